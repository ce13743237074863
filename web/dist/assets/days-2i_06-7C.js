import{m as b,o as M,c as w,T as S,e as D,a as s,E as B,L as R,F as k,P as F,n as K,g as L,S as p}from"./console-DF1fAd9a.js";import{b as H,c as d,l as g,e as u,q as I,i as v}from"./format-qEaakrqp.js";import"./preload-helper-CVfkMyKi.js";const P=L(`
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
  }
`),m=14;function $(e){if(e==null)return"—";const l=Math.floor(e/60);return l>0?`${l} h ${String(e%60).padStart(2,"0")} min`:`${e} min`}const q=[["deepMinutes","Deep","s-deep"],["lightMinutes","Light","s-light"],["remMinutes","REM","s-rem"],["awakeMinutes","Awake","s-awake"]];function E(e){const l=e.sleep,i=q.map(([t,n,c])=>({label:n,css:c,minutes:l[t]})).filter(t=>t.minutes!=null),r=i.reduce((t,n)=>t+(n.minutes??0),0);return s("div",{class:"sleep",children:[r>0&&s("div",{class:"stages","aria-hidden":"true",children:i.map(t=>s("span",{class:`stage ${t.css}`,style:{width:`${(t.minutes??0)/r*100}%`}},t.css))}),s("ul",{class:"stage-list",children:i.map(t=>s("li",{children:[s("span",{class:`swatch ${t.css}`,"aria-hidden":"true"})," ",t.label," ",$(t.minutes)]},t.css))}),s("p",{class:"small muted",children:[l.inBedMinutes!=null&&s(p,{children:["In bed ",$(l.inBedMinutes),". "]}),l.start&&l.end&&s(p,{children:[v(l.start)," to ",v(l.end),"."," "]}),!l.isFinal&&s(p,{children:"Tentative: the device may still revise this night."})]})]})}function N(e,l){return[["Resting HR",e.restingHeartRate!=null?`${e.restingHeartRate} bpm`:null],["HRV",e.hrvMs!=null?`${u(e.hrvMs,0)} ms${e.hrvKind?` (${e.hrvKind})`:""}`:null],["Sleep",e.sleepDurationMinutes!=null?$(e.sleepDurationMinutes):null],["Sleep quality",e.sleepQuality!=null?`${e.sleepQuality}/5`:null],["Sleep score",e.sleep?.score!=null?`${e.sleep.score}/100`:null],["Weight",e.weightKg!=null?I(e.weightKg,l):null],["Body fat",e.bodyFatPercent!=null?`${u(e.bodyFatPercent,1)}%`:null],["Stress score",e.stressScore!=null?`${e.stressScore}/100`:null],["Body Battery",e.bodyBatteryHigh!=null||e.bodyBatteryLow!=null?`${e.bodyBatteryLow??"—"} to ${e.bodyBatteryHigh??"—"}`:null],["Steps",e.steps!=null?e.steps.toLocaleString("en"):null],["Active energy",e.activeKcal!=null?`${u(e.activeKcal,0)} kcal`:null],["VO2max",e.vo2Max!=null?`${u(e.vo2Max,1)} ml/kg/min`:null],["Respiratory rate",e.respiratoryRate!=null?`${u(e.respiratoryRate,1)} /min`:null],["Readiness (self)",e.readiness!=null?`${e.readiness}/10`:null],["Soreness",e.soreness!=null?`${e.soreness}/10`:null],["Stress (self)",e.stress!=null?`${e.stress}/10`:null],["Mood",e.mood!=null?`${e.mood}/5`:null]].filter(r=>r[1]!==null)}function V(){const e=b(),l=M(),i=w(),r=S(()=>H(e.timeZone),[e.timeZone]),t=i.query.get("to"),n=t&&/^\d{4}-\d{2}-\d{2}$/.test(t)?t:r,c=d(n,-13),o=D(P,{athleteId:e.athleteId,from:c,to:n}),h=o.data?.dailyMetrics.nodes??[],y=a=>K(`${e.base}/days${a===r?"":`?to=${a}`}`);return s(F,{title:e.self?"Days":`${e.name}: days`,lead:"Each morning's numbers: what you logged and what your devices measured, with the night's sleep stages when a device recorded them.",children:[s("form",{class:"row range",onSubmit:a=>{a.preventDefault();const f=String(new FormData(a.currentTarget).get("to")??"");/^\d{4}-\d{2}-\d{2}$/.test(f)&&y(f)},children:[s("div",{class:"field",children:[s("label",{for:"days-to",children:"Fourteen days up to"}),s("input",{id:"days-to",name:"to",type:"date",defaultValue:n,max:r},n)]}),s("button",{type:"submit",class:"secondary",children:"Show"}),s("button",{type:"button",class:"secondary",onClick:()=>y(d(n,-m)),children:"Earlier"}),n<r&&s("button",{type:"button",class:"secondary",onClick:()=>y(d(n,m)>r?r:d(n,m)),children:"Later"})]}),s("p",{class:"muted small",children:[g(c)," to ",g(n)]}),s(B,{error:o.error,retry:o.reload}),!o.data&&!o.error&&s(R,{what:"days"}),o.data&&h.length===0&&s("p",{class:"panel",children:"Nothing was logged or measured in these days."}),h.length>0&&s("ul",{class:"cards day-cards",children:h.map(a=>s("li",{"aria-labelledby":`day-${a.date}`,children:[s("h2",{class:"h3",id:`day-${a.date}`,children:[g(a.date)," ",s("span",{class:"small muted",children:["· ",a.source==="manual"?"logged by hand":a.source]})]}),s(k,{class:"plain",items:N(a,l.units)}),a.sleep&&s(E,{sleep:a.sleep}),a.notes&&s("p",{children:a.notes})]},a.id))})]})}export{V as default};
