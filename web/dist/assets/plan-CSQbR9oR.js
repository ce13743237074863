import{q as f,e as S,a as e,E as k,L as V,P as G,g as P,d as $,u as N,r as F,S as q,j as W,T as R,F as J,I as A,N as O,J as U}from"./console-3qIYcZ9a.js";import{r as j,a as Z,C as B,e as L,G as Q,A as H}from"./plan-form-CXuWO21-.js";import{b as z,d as K,l as X,w as v,r as g,u as x,m as T,i as Y}from"./format-qEaakrqp.js";import"./preload-helper-CVfkMyKi.js";const _=P(`
  query PlanCalendar($athleteId: ID) {
    trainingPlan(athleteId: $athleteId) {
      id
      name
      version
      goalRaceName
      goalRaceDate
      goalDistanceMeters
      startDate
      daysPerWeek
      longRunDay
      updatedAt
      phases {
        kind
        start
        end
      }
      weeks {
        index
        start
        end
        phase
        targetMinutes
        deload
      }
      workouts {
        id
        date
        kind
        targetDurationSeconds
        targetDistanceMeters
        intensityZone
        description
        state
        activityId
        planVersion
      }
      adherence {
        completed
        missed
        skipped
        planned
      }
    }
  }
`),ee=P(`
  query PlanActivities($athleteId: ID, $from: NaiveDate, $to: NaiveDate) {
    activities(athleteId: $athleteId, from: $from, to: $to, first: 200) {
      nodes {
        id
        name
        sport
        localDate
        durationSeconds
      }
    }
  }
`),ae=P(`
  query PlanHistory($athleteId: ID, $before: Int) {
    planHistory(athleteId: $athleteId, first: 20, before: $before) {
      version
      reason
      actorId
      createdAt
      snapshot
    }
  }
`),te=P(`
  mutation RegeneratePlan($athleteId: ID, $input: PlanRegenerateInput!) {
    regeneratePlan(athleteId: $athleteId, input: $input) {
      id
      version
    }
  }
`);function ue(){const i=f(),a=S(_,{athleteId:i.athleteId}),l=i.self?"Plan":`${i.name}: plan`;return e(G,{title:l,children:[e(k,{error:a.error,retry:a.reload}),a.loading&&!a.data&&e(V,{what:"the plan"}),a.data&&!a.data.trainingPlan&&e(ne,{onCreated:a.reload}),a.data?.trainingPlan&&e(se,{plan:a.data.trainingPlan,reload:a.reload})]})}function ne(i){const a=f(),[l,o]=$({}),r=N(async u=>{const{goal:m,problems:d}=j(u);o(d),m&&(await F(B,{athleteId:a.athleteId,input:{...m,availability:Z(u)}}),i.onCreated())}),c={...l,...L(r.error)};return e(q,{children:[e("p",{children:"There is no active plan."}),a.canWrite&&e("form",{class:"panel",noValidate:!0,onSubmit:u=>{u.preventDefault(),r.run(u.currentTarget)},children:[e("h2",{children:"Make a plan toward a goal race"}),e(Q,{errors:c,timeZone:a.timeZone}),e(H,{errors:c}),e(k,{error:r.error}),e("button",{type:"submit",disabled:r.busy,children:"Create the plan"})]})]})}function se(i){const{plan:a}=i,l=f(),o=W(),r=z(l.timeZone),[c,u]=$(!1),m=a.weeks[a.weeks.length-1],d=S(ee,{athleteId:l.athleteId,from:a.startDate,to:m?m.end:a.goalRaceDate}),y=R(()=>{const t=new Map;for(const h of a.workouts)t.set(h.date,[...t.get(h.date)??[],h]);return t},[a.workouts]),b=R(()=>{const t=new Map;for(const h of d.data?.activities.nodes??[])t.set(h.localDate,[...t.get(h.localDate)??[],h]);return t},[d.data]),I=a.weeks.filter(t=>c||t.end>=r),M=a.weeks.length-I.length;return e(q,{children:[e("section",{class:"panel","aria-labelledby":"plan-h",children:[e("h2",{id:"plan-h",children:[a.name," ",e("span",{class:"tag",children:["version ",a.version]})]}),e(J,{items:[["Race",`${a.goalRaceName??a.name}, ${K(a.goalDistanceMeters,o.units)}`],["Race day",X(a.goalRaceDate)],["Run days a week",a.daysPerWeek],["Long-run day",v(a.longRunDay)],["Completed",a.adherence.completed],["Missed",a.adherence.missed],["Skipped",a.adherence.skipped],["Still ahead",a.adherence.planned]]}),e("h3",{children:"Phases"}),e("ol",{class:"phases",children:a.phases.map(t=>e("li",{class:t.start<=r&&r<=t.end?"current":"",children:[e("strong",{children:v(t.kind)})," ",g(t.start)," – ",g(t.end),t.start<=r&&r<=t.end&&e("span",{class:"tag good",children:"now"})]},t.kind))})]}),e("section",{"aria-labelledby":"calendar-h",children:[e("div",{class:"page-head",children:[e("h2",{id:"calendar-h",children:"Calendar"}),a.weeks.length>0&&e("button",{type:"button",class:"secondary small","aria-pressed":c,onClick:()=>u(!c),children:c?"Hide past weeks":`Show past weeks${M?` (${M})`:""}`})]}),e("p",{class:"muted small",children:[e("span",{class:"tag",children:"Planned"})," ",e("span",{class:"tag good",children:"Completed"})," ",e("span",{class:"tag bad",children:"Missed"})," ",e("span",{class:"tag warn",children:"Skipped"})," — each week shows its target and the minutes actually trained."]}),I.map(t=>{const h=[];for(let s=t.start;s<=t.end;s=re(s))h.push(s);const w=h.reduce((s,p)=>s+(b.get(p)??[]).reduce((D,n)=>D+n.durationSeconds,0),0)/60,C=t.start<=r&&r<=t.end;return e("article",{class:`week${C?" current":""}`,"aria-labelledby":`week-${t.index}`,children:[e("header",{children:[e("h3",{id:`week-${t.index}`,children:["Week ",t.index+1,": ",g(t.start)," – ",g(t.end)]}),e("span",{class:"tag",children:v(t.phase)}),t.deload&&e("span",{class:"tag warn",children:"deload"}),C&&e("span",{class:"tag good",children:"this week"}),e("span",{class:"small",children:["target ",Math.round(t.targetMinutes)," min · done ",Math.round(w)," min"]}),e("span",{class:"bar",role:"img","aria-label":`${Math.round(Math.min(100,w/Math.max(1,t.targetMinutes)*100))}% of the target done`,children:e("span",{ref:s=>{s&&(s.style.width=`${Math.min(100,w/Math.max(1,t.targetMinutes)*100)}%`)}})})]}),e("ul",{class:"days",children:h.map(s=>{const p=y.get(s)??[],D=(b.get(s)??[]).filter(n=>!p.some(E=>E.activityId===n.id));return p.length===0&&D.length===0?e("li",{class:`rest${s===r?" today":""}`,children:[e("span",{class:"date",children:[x(s)," ",g(s)]}),"Nothing planned"]},s):e("li",{class:`${p[0]?p[0].kind==="REST"?"rest":p[0].state.toLowerCase():"completed"}${s===r?" today":""}`,children:[e("span",{class:"date",children:[x(s)," ",g(s),s===r&&" (today)"]}),p.map(n=>e("div",{class:"workout",children:[e("span",{class:"kind",children:v(n.kind)}),n.targetDurationSeconds?` · ${T(n.targetDurationSeconds)}`:"",n.kind!=="REST"&&e("span",{class:`state-${n.state.toLowerCase()}`,children:[" · ",v(n.state)]}),e("details",{children:[e("summary",{class:"small",children:"Details"}),e("p",{class:"small",children:n.description}),e("p",{class:"small muted",children:[n.intensityZone?`Zone ${n.intensityZone}. `:"","From plan version ",n.planVersion,"."]})]}),n.activityId&&e("a",{class:"small",href:`${l.base}/activities/${n.activityId}`,children:"Done: see the session"})]},n.id)),D.map(n=>e("p",{class:"small",children:["Also: ",e("a",{href:`${l.base}/activities/${n.id}`,children:n.name})," (",T(n.durationSeconds),")"]},n.id))]},s)})})]},t.index)})]}),l.canWrite&&e(le,{plan:a,onDone:i.reload}),e(ie,{},a.version)]})}function re(i){const a=new Date(`${i}T00:00:00Z`);return a.setUTCDate(a.getUTCDate()+1),a.toISOString().slice(0,10)}function le(i){const a=f(),[l,o]=$(0),r=N(async d=>{const y=new FormData(d),b=String(y.get("reduceVolumePercent")??""),I=await F(te,{athleteId:a.athleteId,input:{reason:String(y.get("reason")??"").trim(),availability:y.get("changeAvailability")?Z(d):null,reduceVolumeFactor:b?1-Number(b)/100:null}});o(I.regeneratePlan.version),i.onDone()}),c=L(r.error),[u,m]=$(!1);return e("details",{class:"panel",children:[e("summary",{children:"Change the plan from today"}),e("form",{noValidate:!0,onSubmit:d=>{d.preventDefault(),r.run(d.currentTarget)},children:[e("p",{class:"muted small",children:"Past and completed workouts stay; a new plan version is made and the change is audited."}),e(A,{label:"Why",name:"reason",required:!0,error:c.reason}),e(A,{label:"Lower future volume by (%)",name:"reduceVolumePercent",type:"number",min:"0",max:"90",step:"5",hint:"Leave empty to keep the volume.",error:c.reduceVolumeFactor}),e("div",{class:"check",children:[e("input",{type:"checkbox",id:"change-availability",name:"changeAvailability",checked:u,onChange:d=>m(d.currentTarget.checked)}),e("label",{for:"change-availability",children:"Change the weekly availability too"})]}),u&&e(H,{errors:c,initial:{daysPerWeek:i.plan.daysPerWeek,longRunDay:i.plan.longRunDay}}),e(k,{error:r.error}),l>0&&e(O,{kind:"success",live:!0,children:e("p",{children:["The plan is now version ",l,"."]})}),e("button",{type:"submit",disabled:r.busy,children:"Make a new version"})]})]})}function ie(){const i=f(),a=W(),l=S(ae,{athleteId:i.athleteId,before:null});return e("section",{class:"panel","aria-labelledby":"history-h",children:[e("h2",{id:"history-h",children:"Versions"}),e(k,{error:l.error,retry:l.reload}),!l.data&&!l.error&&e(V,{what:"versions"}),l.data&&e("ol",{class:"versions",reversed:!0,children:l.data.planHistory.map(o=>e("li",{children:[e("strong",{children:["Version ",o.version]})," · ",Y(o.createdAt)," · ",o.actorId===null?"by Stride":o.actorId===a.id?"by you":o.actorId===i.athleteId?`by ${i.name}`:"by a coach",e("p",{children:o.reason}),e("details",{children:[e("summary",{class:"small",children:"Snapshot"}),e(U,{value:o.snapshot})]})]},o.version))})]})}export{ue as default};
