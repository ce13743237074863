import{q as S,j as R,T,e as D,a as e,E as A,P as m,L as N,F as v,v as $,S as p,g as f,d as C,u as W,r as L,i as M}from"./console-3qIYcZ9a.js";import{b as P,w as k,m as q,d as B,l as u,s as w,e as d}from"./format-qEaakrqp.js";import{a as E,B as F,b as Z,A as _}from"./load-u1SkvV39.js";import"./preload-helper-CVfkMyKi.js";const x=f(`
  query Today($athleteId: ID, $today: NaiveDate!) {
    home(athleteId: $athleteId) {
      date
      workouts {
        id
        date
        kind
        description
        state
        targetDurationSeconds
        targetDistanceMeters
        intensityZone
        activityId
      }
      readiness {
        date
        light
        confidence
        signals {
          signal
          light
          reason
          values {
            name
            value
          }
        }
        missing {
          signal
          reason
        }
      }
      load {
        date
        load
        acute
        chronic
        acwr
        tsb
        monotony
        monotonyCapped
        weeklyLoad
        strain
        warmingUp
        historyDays
      }
      alerts {
        kind
        date
        value
        threshold
        receipts {
          explanation
        }
      }
    }
    proposals(athleteId: $athleteId, state: PENDING) {
      id
    }
    trainingPlan(athleteId: $athleteId) {
      id
      name
      goalRaceDate
    }
    trainingStats(athleteId: $athleteId, from: $today, to: $today) {
      convention {
        acwrAlert
        monotonyAlert
      }
    }
  }
`),H=f(`
  query MyTasks {
    myTasks {
      id
      kind
      createdAt
      activity {
        id
        name
        sport
        localDate
        durationSeconds
      }
    }
  }
`),j=f(`
  mutation SetActivityRpe($id: ID!, $rpe: Int!) {
    setActivityRpe(id: $id, rpe: $rpe) {
      id
      rpe
    }
  }
`);function Y(){const n=S(),h=R(),g=T(()=>P(n.timeZone),[n.timeZone]),s=D(x,{athleteId:n.athleteId,today:g}),o=n.self?"Today":`${n.name}: today`;if(s.error&&!s.data)return e(m,{title:o,children:e(A,{error:s.error,retry:s.reload})});if(!s.data)return e(m,{title:o,children:e(N,{})});const{home:t,proposals:l,trainingPlan:r,trainingStats:I}=s.data,c=t.readiness,i=t.load,b=I.convention.acwrAlert,y=E(i?.acwr,b);return e(m,{title:o,lead:u(t.date),children:[n.self&&!r&&e("div",{class:"notice warning",children:e("p",{children:["You have no training plan yet. ",e("a",{href:"/onboarding",children:"Finish setting up"})," to get one toward your goal race."]})}),l.length>0&&e("div",{class:"notice",children:e("p",{children:[e("a",{href:`${n.base}/proposals`,children:[l.length===1?"1 plan change is":`${l.length} plan changes are`," waiting for a decision"]}),"."]})}),n.self&&e(G,{}),e("div",{class:"grid two",children:[e("section",{class:"panel","aria-labelledby":"workout-h",children:[e("h2",{id:"workout-h",children:"Today’s workout"}),t.workouts.length===0&&e("p",{children:r?"Nothing scheduled today.":"No plan, so nothing is scheduled."}),t.workouts.map(a=>e("div",{class:"workout",children:[e("p",{children:[e("span",{class:"kind",children:k(a.kind)})," · ",e("span",{class:`state-${a.state.toLowerCase()}`,children:k(a.state)})]}),e("p",{children:a.description}),e(v,{class:"plain",items:[["Duration",q(a.targetDurationSeconds)],["Distance",B(a.targetDistanceMeters,h.units)],["Zone",a.intensityZone??"—"]]}),a.activityId&&e("a",{href:`${n.base}/activities/${a.activityId}`,children:"The session that completed it"})]},a.id)),r&&e("p",{class:"muted small",children:["Plan: ",e("a",{href:`${n.base}/plan`,children:r.name}),", race day ",u(r.goalRaceDate),"."]})]}),e("section",{class:"panel","aria-labelledby":"readiness-h",children:[e("h2",{id:"readiness-h",children:"Readiness"}),e("p",{children:[e($,{light:c.light,large:!0})," ",e("span",{class:"muted",children:["confidence ",Math.round(c.confidence*100),"%"]})]}),e("p",{class:"muted small",children:"Confidence is the share of signals that could be judged today."}),e("ul",{class:"signals","aria-label":"Reasons",children:c.signals.map(a=>e("li",{children:[e("strong",{children:w(a.signal)}),e($,{light:a.light}),e("p",{children:a.reason})]},a.signal))}),c.missing.length>0&&e(p,{children:[e("h3",{children:"Not judged"}),e("ul",{children:c.missing.map(a=>e("li",{children:[w(a.signal),": ",a.reason]},a.signal))})]}),e("p",{children:[n.canWrite&&e(p,{children:[e("a",{href:`${n.base}/log#morning`,children:"Log this morning"})," ·"," "]}),e("a",{href:`${n.base}/days`,children:"Recent days, sleep and device values"})]})]})]}),e("section",{class:"panel","aria-labelledby":"load-h",children:[e("h2",{id:"load-h",children:"Load status"}),i?e(p,{children:[e(v,{items:[["Acute load",d(i.acute)],["Chronic load",d(i.chronic)],["Form (TSB)",d(i.tsb)],["ACWR",e(p,{children:[d(i.acwr,2)," ",y&&e("span",{class:`tag ${Z[y]}`,children:F[y]})]})],["Monotony",`${d(i.monotony,2)}${i.monotonyCapped?" (cap)":""}`],["Weekly load",d(i.weeklyLoad,0)]]}),i.warmingUp&&e("p",{class:"muted",children:["Still warming up: ",i.historyDays," days of history, so ACWR alerts are held back."]}),e("p",{class:"muted small",children:["ACWR under ",_," means less than usual; alerts above ",b,". ",e("a",{href:`${n.base}/performance`,children:"See the chart"}),"."]})]}):e("p",{children:"No training history yet."})]}),e("section",{class:"panel","aria-labelledby":"alerts-h",children:[e("h2",{id:"alerts-h",children:"Alerts of the last seven days"}),t.alerts.length===0?e("p",{children:"No load alerts."}):e("ul",{class:"cards",children:t.alerts.map(a=>e("li",{children:[e("h3",{children:[e("span",{class:"tag bad",children:a.kind==="ACWR_HIGH"?"ACWR high":"Monotony high"})," ",u(a.date)]}),e("p",{children:[d(a.value,2)," against a threshold of ",d(a.threshold,2),"."]}),e("details",{children:[e("summary",{children:"How it was computed"}),e("p",{children:a.receipts.explanation})]})]},`${a.kind}-${a.date}`))})]})]})}function G(){const n=D(H,{}),[h,g]=C([]),s=W((t,l)=>L(j,{id:t,rpe:l})),o=n.data?.myTasks.filter(t=>!h.includes(t.id)&&t.activity)??[];return o.length===0?null:e("section",{class:"panel","aria-labelledby":"tasks-h",children:[e("h2",{id:"tasks-h",children:"To do"}),e(A,{error:s.error}),e("ul",{class:"cards",children:o.map(t=>e("li",{children:e("form",{class:"row",onSubmit:async l=>{l.preventDefault();const r=Number(new FormData(l.currentTarget).get("rpe"));await s.run(t.activity.id,r)&&g([...h,t.id])},children:[e("p",{children:["How hard was ",e("a",{href:`/activities/${t.activity.id}`,children:t.activity.name})," on ",u(t.activity.localDate),"?"]}),e(M,{label:"Effort (RPE, 1–10)",name:"rpe",options:Array.from({length:10},(l,r)=>[String(r+1),String(r+1)]),defaultValue:"5"}),e("button",{type:"submit",disabled:s.busy,children:"Save"})]})},t.id))})]})}export{Y as default};
