import{q as R,e as O,d as T,u as C,r as A,a as e,E,N as V,L as x,P as F,g as I,S as m,F as H,T as P}from"./console-3qIYcZ9a.js";import{C as w,a as U}from"./chart-ylM9psWn.js";import{i as k,l as q}from"./format-qEaakrqp.js";import"./preload-helper-CVfkMyKi.js";const W=I(`
  query Insights($athleteId: ID) {
    insights(athleteId: $athleteId) {
      ...InsightsView
    }
  }
`),M=I(`
  mutation RefreshInsights($athleteId: ID) {
    refreshInsights(athleteId: $athleteId) {
      ...InsightsView
    }
  }
`);I(`
  fragment InsightsView on AthleteInsights {
    computedAt
    today
    findings {
      input
      outcome
      lagDays
      n
      r
      rLow
      rHigh
      pValue
      qValue
      inputLow
      inputHigh
      effect
      effectLow
      effectHigh
      inputUnit
      outcomeUnit
      summary
      receipts {
        date
        activityId
        input
        outcome
      }
    }
    tested {
      input
      outcome
      lagDays
      n
      historyDays
      r
      rLow
      rHigh
      pValue
      qValue
    }
    waiting {
      input
      outcome
      n
      needed
    }
  }
`);const p={PRE_SESSION_CARBS:"Carbohydrate before a session",CARBS_DURING:"Carbohydrate per hour during a session",PRE_SESSION_CAFFEINE:"Caffeine before a session",SLEEP_DURATION:"Sleep",HRV_VS_BASELINE:"HRV against your baseline",RESTING_HR_VS_BASELINE:"Resting heart rate against your baseline",PREVIOUS_LOAD:"Training load in the 3 days before",MONOTONY:"Monotony of the week before",DAYS_SINCE_HARD:"Days since the last hard day",WORK_STRESS:"Work and life stress",TRAVEL:"Travel",ILLNESS:"Illness"};function N(i,t){switch(i){case"EFFICIENCY_FACTOR":return"efficiency factor";case"AEROBIC_DECOUPLING":return"aerobic decoupling";case"RPE_FOR_SESSION_TYPE":return"effort (RPE) for that kind of session";case"NEXT_MORNING_READINESS":return t===0?"readiness that morning":"readiness the next morning"}}function f(i,t,n){return`${p[i]} and ${N(t,n)}`}function B(i,t){return t==="NEXT_MORNING_READINESS"&&(i==="WORK_STRESS"||i==="TRAVEL"||i==="ILLNESS")?1:0}function h(i,t){const n=Math.abs(i).toFixed(t);return Number(n)===0?n:`${i<0?"−":"+"}${n}`}function G(...i){return Math.max(...i.map(Math.abs))<1?2:1}function d(i){const t=Math.abs(i),n=t>=100?0:t>=10?1:2;return String(Number(i.toFixed(n)))}function D(i){return i<.001?"< 0.001":i.toFixed(3)}function te(){const i=R(),t=O(W,{athleteId:i.athleteId}),[n,c]=T(!1),l=C(async()=>{const g=await A(M,{athleteId:i.athleteId});t.setData(()=>({insights:g.refreshInsights})),c(!0)}),s=i.self?"Insights":`${i.name}: insights`,o=t.data?.insights,u=i.self?"your own":`${i.name}’s own`;return e(F,{title:s,lead:`What, in ${u} history, goes with better and worse sessions and mornings. Only what the data supports, with every observation behind it. These are associations, not causes.`,actions:i.canWrite&&e("button",{type:"button",class:"secondary",disabled:l.busy,onClick:()=>{c(!1),l.run()},children:l.busy?"Recomputing…":"Recompute now"}),children:[e(E,{error:l.error}),n&&!l.busy&&e(V,{kind:"success",live:!0,children:e("p",{children:"Recomputed from the data stored now."})}),e(Y,{}),e(E,{error:t.error,retry:t.reload}),t.loading&&!t.data&&e(x,{what:"insights"}),t.data&&!o&&e("section",{class:"panel","aria-labelledby":"none-h",children:[e("h2",{id:"none-h",children:"Nothing computed yet"}),e("p",{children:["Stride looks for insights a minute after new data arrives and every night."," ",i.canWrite?"Choose “Recompute now” to look at once.":"They appear here once computed."]})]}),o&&e(K,{insights:o})]})}function Y(){return e("details",{class:"panel how",children:[e("summary",{children:"How this works"}),e("p",{children:"Stride tests a fixed list of pairs in one athlete’s own data: an input (sleep, HRV or resting heart rate against the personal baseline, recent training load, days since a hard day, work and life stress, travel, illness, and the carbohydrate and caffeine logged for a session) against an outcome (a session’s efficiency factor against the recent median, its aerobic decoupling, its effort (RPE) against the usual for that kind of session, or the self-rated readiness of a morning)."}),e("p",{children:"For each pair it measures the correlation and its confidence interval. Because many pairs are tested, the p-values are corrected for multiple testing (Benjamini–Hochberg): a pair is reported only when its q-value is at or below the false-discovery rate, with enough observations over a long enough time (by default: q at most 10%, at least 20 observations spread over at least six weeks). The effect is the straight-line change in the outcome from a typical low to a typical high value of the input (the 25th to the 75th percentile), with its interval."}),e("p",{children:["These are associations in one person’s history, not causes: training phase, season or illness can move both sides at once; consecutive days are not independent, so the intervals are somewhat optimistic; and what is logged by hand is only as good as the logging. Logging nutrition, stress and travel is optional; the more is logged, the more can be tested. The method is described in full in ",e("code",{children:"docs/insights.md"})," in Stride’s repository."]})]})}function z(i,t){return i.input===t.input&&i.outcome===t.outcome&&i.lagDays===t.lagDays}function K(i){const{findings:t,tested:n,waiting:c}=i.insights,l=n.filter(s=>!t.some(o=>z(o,s)));return e(m,{children:[e("p",{class:"muted small",children:["Computed ",k(i.insights.computedAt)," from the data up to ",q(i.insights.today),": ",n.length," pair",n.length===1?"":"s"," ","tested, ",t.length," finding",t.length===1?"":"s","."]}),e("section",{"aria-labelledby":"findings-h",children:[e("h2",{id:"findings-h",children:"Findings"}),t.length===0?e("p",{class:"panel",children:["No pair passes the tests yet. That is a result too: nothing in this history stands out beyond what chance would give"," ",n.length===0?"once there is enough data to test":`across the ${n.length} pairs tested`,"."]}):e("ul",{class:"cards findings",children:t.map(s=>e(X,{finding:s},`${s.input}-${s.outcome}-${s.lagDays}`))})]}),e("section",{class:"panel","aria-labelledby":"tested-h",children:[e("h2",{id:"tested-h",children:"Tested, nothing to report"}),l.length===0?e("p",{children:n.length===0?"No pair has enough data to test yet.":"Every pair tested is a finding above."}):e(m,{children:[e("p",{class:"muted small",children:"These pairs had enough data, and their association is within what chance would give once every test is counted. A wide interval around zero means “not enough to say”, not “no effect”."}),e("div",{class:"table-wrap",children:e("table",{class:"tested",children:[e("caption",{class:"visually-hidden",children:"Pairs tested without a finding"}),e("thead",{children:e("tr",{children:[e("th",{scope:"col",children:"Pair"}),e("th",{scope:"col",class:"num",children:"Observations"}),e("th",{scope:"col",class:"num",children:"Days"}),e("th",{scope:"col",class:"num",children:"r (interval)"}),e("th",{scope:"col",class:"num",children:"q"})]})}),e("tbody",{children:l.map(s=>e("tr",{children:[e("th",{scope:"row",children:f(s.input,s.outcome,s.lagDays)}),e("td",{class:"num",children:s.n}),e("td",{class:"num",children:s.historyDays}),e("td",{class:"num",children:[h(s.r,2)," (",h(s.rLow,2)," to ",h(s.rHigh,2),")"]}),e("td",{class:"num",children:D(s.qValue)})]},`${s.input}-${s.outcome}-${s.lagDays}`))})]})})]})]}),e("section",{class:"panel","aria-labelledby":"waiting-h",children:[e("h2",{id:"waiting-h",children:"Needs more data"}),c.length===0?e("p",{children:"No pair is waiting for data."}):e(m,{children:[e("p",{class:"muted small",children:"Pairs with some observations, but fewer than a test needs (or over too short a time). Logging is optional; these fill in as data arrives."}),e("ul",{class:"plain-list waiting",children:c.map(s=>e("li",{children:[e("strong",{children:f(s.input,s.outcome,B(s.input,s.outcome))}),": ",s.n," observation",s.n===1?"":"s"," so far,"," ",s.needed," more needed."]},`${s.input}-${s.outcome}`))})]})]})]})}function X(i){const t=R(),n=i.finding,c=G(n.effect,n.effectLow,n.effectHigh),l=`finding-${n.input}-${n.outcome}-${n.lagDays}`.toLowerCase();return e("li",{"aria-labelledby":l,children:[e("h3",{id:l,children:f(n.input,n.outcome,n.lagDays)}),e("p",{class:"summary",children:n.summary}),e(H,{class:"plain",items:[["Effect",e(m,{children:[h(n.effect,c)," ",n.outcomeUnit]})],["Interval",`${h(n.effectLow,c)} to ${h(n.effectHigh,c)}`],["Input from → to",`${d(n.inputLow)} → ${d(n.inputHigh)} ${n.inputUnit}`],["Observations",String(n.n)],["Correlation r",`${h(n.r,2)} (${h(n.rLow,2)} to ${h(n.rHigh,2)})`],["q-value",D(n.qValue)]]}),e("details",{class:"receipts-list",children:[e("summary",{children:["Receipts: the ",n.receipts.length," observations"]}),e(j,{finding:n}),e("div",{class:"table-wrap",children:e("table",{class:"receipts",children:[e("caption",{class:"visually-hidden",children:"Every observation behind this finding, oldest first"}),e("thead",{children:e("tr",{children:[e("th",{scope:"col",children:"Day"}),e("th",{scope:"col",children:"Session"}),e("th",{scope:"col",class:"num",children:[p[n.input]," (",n.inputUnit,")"]}),e("th",{scope:"col",class:"num",children:["Outcome (",n.outcomeUnit,")"]})]})}),e("tbody",{children:n.receipts.map((s,o)=>e("tr",{children:[e("th",{scope:"row",children:s.date}),e("td",{children:s.activityId?e("a",{href:`${t.base}/activities/${s.activityId}`,children:["Open the session",e("span",{class:"visually-hidden",children:[" of ",s.date]})]}):e("span",{class:"muted",children:"the day"})}),e("td",{class:"num",children:d(s.input)}),e("td",{class:"num",children:d(s.outcome)})]},o))})]})})]})]})}function j(i){const t=i.finding,{data:n,options:c,line:l}=P(()=>{const s=[...t.receipts].sort((a,r)=>a.input-r.input),o=s.map(a=>a.input),u=s.map(a=>a.outcome),g=o.length,y=o.reduce((a,r)=>a+r,0)/(g||1),v=u.reduce((a,r)=>a+r,0)/(g||1);let b=0,S=0;for(let a=0;a<g;a++)b+=(o[a]-y)**2,S+=(o[a]-y)*(u[a]-v);const $=b>0?S/b:0,_=o.map(a=>v+$*(a-y)),L={scales:{x:{time:!1},y:{auto:!0}},series:[{label:p[t.input],value:(a,r)=>r===null?"—":`${d(r)} ${t.inputUnit}`},{label:"Observation",stroke:w.chronic,width:0,paths:()=>null,points:{show:!0,size:7,fill:w.chronic},value:(a,r)=>r===null?"—":`${d(r)} ${t.outcomeUnit}`},{label:"Fitted line",stroke:w.acute,width:2,points:{show:!1},value:(a,r)=>r===null?"—":d(r)}],axes:[{label:`${p[t.input]} (${t.inputUnit})`},{label:t.outcomeUnit,size:60}]};return{data:[o,u,_],options:L,line:$}},[t]);return e(U,{title:`${f(t.input,t.outcome,t.lagDays)}: each observation`,summary:`${t.receipts.length} observations of ${N(t.outcome,t.lagDays)} against ${p[t.input].toLowerCase()}, with a fitted line rising ${d(l)} ${t.outcomeUnit} per ${t.inputUnit}. Every observation is listed in the table below.`,options:c,data:n,height:220})}export{te as default,f as pairWords};
