import{q as D,j as F,c as K,T as b,e as H,a as t,E as N,L as q,F as L,P,n as E,g as A,S as p}from"./console-3qIYcZ9a.js";import{b as T,c as g,l as m,e as u,q as C,i as S}from"./format-qEaakrqp.js";import"./preload-helper-CVfkMyKi.js";const Q=A(`
  query Days($athleteId: ID, $from: NaiveDate!, $to: NaiveDate!) {
    dailyMetrics(athleteId: $athleteId, from: $from, to: $to, first: 100) {
      nodes {
        id
        date
        source
        restingHeartRate
        hrvMs
        hrvKind
        weightKg
        sleepDurationMinutes
        sleepQuality
        readiness
        soreness
        stress
        mood
        notes
        sleep {
          inBedMinutes
          deepMinutes
          lightMinutes
          remMinutes
          awakeMinutes
          score
          isFinal
          start
          end
        }
        stressScore
        bodyBatteryHigh
        bodyBatteryLow
        steps
        activeKcal
        vo2Max
        respiratoryRate
        bodyFatPercent
      }
    }
    dayLogs(athleteId: $athleteId, from: $from, to: $to) {
      date
      workStress
      travel
      illness
      caffeineMg
      alcoholUnits
      nutritionNotes
    }
  }
`),f=14;function $(e){if(e==null)return"—";const a=Math.floor(e/60);return a>0?`${a} h ${String(e%60).padStart(2,"0")} min`:`${e} min`}const x=[["deepMinutes","Deep","s-deep"],["lightMinutes","Light","s-light"],["remMinutes","REM","s-rem"],["awakeMinutes","Awake","s-awake"]];function U(e){const a=e.sleep,r=x.map(([n,o,d])=>({label:o,css:d,minutes:a[n]})).filter(n=>n.minutes!=null),i=r.reduce((n,o)=>n+(o.minutes??0),0);return t("div",{class:"sleep",children:[i>0&&t("div",{class:"stages","aria-hidden":"true",children:r.map(n=>t("span",{class:`stage ${n.css}`,style:{width:`${(n.minutes??0)/i*100}%`}},n.css))}),t("ul",{class:"stage-list",children:r.map(n=>t("li",{children:[t("span",{class:`swatch ${n.css}`,"aria-hidden":"true"})," ",n.label," ",$(n.minutes)]},n.css))}),t("p",{class:"small muted",children:[a.inBedMinutes!=null&&t(p,{children:["In bed ",$(a.inBedMinutes),". "]}),a.start&&a.end&&t(p,{children:[S(a.start)," to ",S(a.end),"."," "]}),!a.isFinal&&t(p,{children:"Tentative: the device may still revise this night."})]})]})}function V(e,a){return[["Resting HR",e.restingHeartRate!=null?`${e.restingHeartRate} bpm`:null],["HRV",e.hrvMs!=null?`${u(e.hrvMs,0)} ms${e.hrvKind?` (${e.hrvKind})`:""}`:null],["Sleep",e.sleepDurationMinutes!=null?$(e.sleepDurationMinutes):null],["Sleep quality",e.sleepQuality!=null?`${e.sleepQuality}/5`:null],["Sleep score",e.sleep?.score!=null?`${e.sleep.score}/100`:null],["Weight",e.weightKg!=null?C(e.weightKg,a):null],["Body fat",e.bodyFatPercent!=null?`${u(e.bodyFatPercent,1)}%`:null],["Stress score",e.stressScore!=null?`${e.stressScore}/100`:null],["Body Battery",e.bodyBatteryHigh!=null||e.bodyBatteryLow!=null?`${e.bodyBatteryLow??"—"} to ${e.bodyBatteryHigh??"—"}`:null],["Steps",e.steps!=null?e.steps.toLocaleString("en"):null],["Active energy",e.activeKcal!=null?`${u(e.activeKcal,0)} kcal`:null],["VO2max",e.vo2Max!=null?`${u(e.vo2Max,1)} ml/kg/min`:null],["Respiratory rate",e.respiratoryRate!=null?`${u(e.respiratoryRate,1)} /min`:null],["Readiness (self)",e.readiness!=null?`${e.readiness}/10`:null],["Soreness",e.soreness!=null?`${e.soreness}/10`:null],["Stress (self)",e.stress!=null?`${e.stress}/10`:null],["Mood",e.mood!=null?`${e.mood}/5`:null]].filter(i=>i[1]!==null)}function W(e){return[["Work and life stress",e.workStress!=null?`${e.workStress}/10`:null],["Travelled",e.travel!=null?e.travel?"yes":"no":null],["Ill",e.illness!=null?e.illness?"yes":"no":null],["Caffeine",e.caffeineMg!=null?`${u(e.caffeineMg,0)} mg`:null],["Alcohol",e.alcoholUnits!=null?`${u(e.alcoholUnits,1)} units`:null]].filter(r=>r[1]!==null)}function O(e){const a=D(),r=W(e.log);return t("div",{class:"life-log",children:[t("h3",{class:"small",children:["Life and nutrition ",t("span",{class:"muted",children:"(optional log)"})]}),r.length>0&&t(L,{class:"plain",items:r}),e.log.nutritionNotes&&t("p",{children:e.log.nutritionNotes}),a.canWrite&&t("p",{class:"small",children:t("a",{href:`${a.base}/log?day=${e.log.date}#life`,children:"Change the log of this day"})})]})}function z(){const e=D(),a=F(),r=K(),i=b(()=>T(e.timeZone),[e.timeZone]),n=r.query.get("to"),o=n&&/^\d{4}-\d{2}-\d{2}$/.test(n)?n:i,d=g(o,-13),c=H(Q,{athleteId:e.athleteId,from:d,to:o}),v=c.data?.dailyMetrics.nodes??[],k=b(()=>new Map((c.data?.dayLogs??[]).map(s=>[s.date,s])),[c.data]),B=(c.data?.dayLogs??[]).filter(s=>!v.some(l=>l.date===s.date)),h=[...v.map(s=>({date:s.date,day:s})),...B.map(s=>({date:s.date,day:null}))].sort((s,l)=>s.date<l.date?1:s.date>l.date?-1:0),y=s=>E(`${e.base}/days${s===i?"":`?to=${s}`}`);return t(P,{title:e.self?"Days":`${e.name}: days`,lead:"Each morning's numbers: what you logged and what your devices measured, with the night's sleep stages when a device recorded them.",children:[t("form",{class:"row range",onSubmit:s=>{s.preventDefault();const l=String(new FormData(s.currentTarget).get("to")??"");/^\d{4}-\d{2}-\d{2}$/.test(l)&&y(l)},children:[t("div",{class:"field",children:[t("label",{for:"days-to",children:"Fourteen days up to"}),t("input",{id:"days-to",name:"to",type:"date",defaultValue:o,max:i},o)]}),t("button",{type:"submit",class:"secondary",children:"Show"}),t("button",{type:"button",class:"secondary",onClick:()=>y(g(o,-f)),children:"Earlier"}),o<i&&t("button",{type:"button",class:"secondary",onClick:()=>y(g(o,f)>i?i:g(o,f)),children:"Later"})]}),t("p",{class:"muted small",children:[m(d)," to ",m(o)]}),t(N,{error:c.error,retry:c.reload}),!c.data&&!c.error&&t(q,{what:"days"}),c.data&&h.length===0&&t("p",{class:"panel",children:"Nothing was logged or measured in these days."}),h.length>0&&t("ul",{class:"cards day-cards",children:h.map(({date:s,day:l},I)=>{const M=I===h.findIndex(R=>R.date===s)?k.get(s):void 0,w=`day-${s}${l?`-${l.id}`:""}`;return t("li",{"aria-labelledby":w,children:[t("h2",{class:"h3",id:w,children:[m(s)," ",t("span",{class:"small muted",children:["· ",l?l.source==="manual"?"logged by hand":l.source:"optional log only"]})]}),l&&t(L,{class:"plain",items:V(l,a.units)}),l?.sleep&&t(U,{sleep:l.sleep}),l?.notes&&t("p",{children:l.notes}),M&&t(O,{log:M})]},l?.id??`log-${s}`)})})]})}export{z as default};
