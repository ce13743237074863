import{q as k,e as V,d as l,a as e,N as F,E as I,L as M,P as W,g as b,j as P,u as $,r as E,I as j,R as K,x as _,w as N,J as z,S as q}from"./console-3qIYcZ9a.js";import{w as B,i as C}from"./format-qEaakrqp.js";import"./preload-helper-CVfkMyKi.js";const G=b(`
  query RulesInForce($athleteId: ID) {
    rulesInForce(athleteId: $athleteId) {
      name
      origin
      ruleId
      version
      source
    }
    ruleFailures(athleteId: $athleteId) {
      rule
      version
      error
      at
    }
  }
`),Q=b(`
  query RuleVersions($ruleId: ID!) {
    ruleVersions(ruleId: $ruleId) {
      version
      status
      source
      fixtures
      problems
      createdBy
      createdAt
    }
  }
`),U=b(`
  query RuleSnapshot($athleteId: ID) {
    ruleSnapshot(athleteId: $athleteId)
  }
`),Y=b(`
  mutation SimulateRule($athleteId: ID, $source: String!) {
    simulateRule(athleteId: $athleteId, source: $source) {
      kind
      reason
      draft
    }
  }
`),X=b(`
  mutation SaveRule($input: RuleInput!) {
    saveRule(input: $input) {
      ruleId
      version
      accepted
      problems
    }
  }
`),Z=`// A rule reads the athlete's snapshot (readiness, metrics, stats, alerts, today's workouts)
// and returns a list of proposals; an empty list proposes nothing. See rules/README.md.
let light = readiness.light;
if light != "red" {
    return [];
}
[]
`;function ne(){const a=k(),r=V(G,{athleteId:a.athleteId}),[n,i]=l(null),[S,c]=l(0),m=t=>{i(t),c(o=>o+1)},y=a.self?"Rules":`${a.name}: rules`;return e(W,{title:y,lead:"Rules read the athlete’s data and propose plan changes; nothing applies until it is confirmed. A version goes live only when it compiles and its fixtures pass.",children:[!a.canWrite&&e(F,{kind:"warning",children:e("p",{children:"You have read-only access: you can read the rules and simulate drafts on this athlete’s data, but not save them."})}),e("div",{class:"editor-grid",children:[e("div",{children:n?e(ee,{initial:n,onSaved:()=>r.reload(),onLoadVersion:m},S):e("section",{class:"panel",children:e("p",{children:"Choose a rule to read or change, or start a new one."})})}),e("div",{children:[e("section",{class:"panel","aria-labelledby":"inforce-h",children:[e("h2",{id:"inforce-h",children:"In force"}),e(I,{error:r.error,retry:r.reload}),!r.data&&!r.error&&e(M,{}),r.data&&e("ul",{class:"plain-list",children:r.data.rulesInForce.map(t=>e("li",{children:[e("strong",{children:t.name})," ",e("span",{class:"tag",children:B(t.origin)})," ",e("span",{class:"small muted",children:["version ",t.version]})," ",e("button",{type:"button",class:"secondary small",onClick:()=>m({name:t.name,scope:t.origin==="TEAM"?"TEAM":"ATHLETE",source:t.source,fixtures:"[]",ruleId:t.ruleId}),children:[a.canWrite?"Open":"Read"," ",e("span",{class:"visually-hidden",children:t.name})]})]},`${t.origin}-${t.name}`))}),a.canWrite&&e("button",{type:"button",onClick:()=>m({name:"",scope:"ATHLETE",source:Z,fixtures:"[]",ruleId:null}),children:"New rule"})]}),r.data&&r.data.ruleFailures.length>0&&e("section",{class:"panel","aria-labelledby":"failures-h",children:[e("h2",{id:"failures-h",children:"Recent failures"}),e("ul",{children:r.data.ruleFailures.slice(0,10).map((t,o)=>e("li",{class:"small",children:[e("strong",{children:t.rule})," ",t.version," at ",C(t.at),": ",t.error]},o))})]})]})]})]})}function ee(a){const r=k(),n=P(),[i,S]=l(a.initial.name),[c,m]=l(a.initial.scope),[y,t]=l(a.initial.source),[o,w]=l(a.initial.fixtures),[g,D]=l(a.initial.ruleId),[u,x]=l(null),[f,T]=l(null),[J,O]=l(0),h=$(async()=>{x(null);const s=await E(Y,{athleteId:r.athleteId,source:y});x(s.simulateRule)}),R=$(async()=>{const s=await E(U,{athleteId:r.athleteId});let d=[];try{const L=JSON.parse(o||"[]");d=Array.isArray(L)?L:[]}catch{throw new Error("The fixtures are not valid JSON; fix them before adding a snapshot.")}const H=s.ruleSnapshot;d.push({name:`${r.name} on ${H.today??"today"}`,snapshot:s.ruleSnapshot,expected:[]}),w(JSON.stringify(d,null,2))}),v=$(async()=>{T(null);const s=await E(X,{input:{name:i,scope:c,athleteId:c==="ATHLETE"?r.athleteId:null,source:y,fixtures:o}});T(s.saveRule),D(s.saveRule.ruleId),O(d=>d+1),a.onSaved(s.saveRule.ruleId)}),A={...v.error?.byField??{},...h.error?.byField??{}},p=!r.canWrite;return e(q,{children:[e("section",{class:"panel","aria-labelledby":"editor-h",children:[e("h2",{id:"editor-h",children:a.initial.name?`Rule “${a.initial.name}”`:"New rule"}),e("form",{noValidate:!0,onSubmit:s=>{s.preventDefault(),v.run()},children:[e(j,{label:"Name",name:"name",value:i,onInput:s=>S(s.currentTarget.value),readOnly:p,hint:"Lower-case letters, digits and dashes. A default rule’s name replaces that default.",error:A.name}),!p&&e(K,{legend:"Applies to",name:"scope",value:c,onChange:s=>m(s),options:[["ATHLETE",`${r.self?"Me":r.name} only`],..._(n,"MANAGE_TEAM_RULES")?[["TEAM","Every athlete who gave me read-write access"]]:[]]}),e(N,{label:"Script (rhai)",name:"source",value:y,onInput:s=>t(s.currentTarget.value),readOnly:p,spellcheck:!1,autocapitalize:"off",error:A.source,code:!0}),e(N,{label:"Fixtures (JSON)",name:"fixtures",value:o,onInput:s=>w(s.currentTarget.value),readOnly:p,spellcheck:!1,hint:"A list of { name, snapshot, expected }. A version goes live only if every fixture passes.",error:A.fixtures,code:!0}),e("div",{class:"actions",children:[e("button",{type:"button",class:"secondary",onClick:()=>{h.run()},disabled:h.busy,children:h.busy?"Simulating…":`Simulate on ${r.self?"my":`${r.name}’s`} data`}),!p&&e("button",{type:"button",class:"secondary",onClick:()=>{R.run()},disabled:R.busy,children:"Add today’s snapshot as a fixture"}),!p&&e("button",{type:"submit",disabled:v.busy||!i,children:v.busy?"Saving…":"Save version"})]}),e(I,{error:R.error}),e(I,{error:v.error})]}),f&&(f.accepted?e(F,{kind:"success",live:!0,children:e("p",{children:["Version ",f.version," is in force."]})}):e("div",{class:"notice error",role:"alert",children:[e("p",{children:["Version ",f.version," was kept but ",e("strong",{children:"not put in force"}),":"]}),e("ul",{children:f.problems.map(s=>e("li",{children:s},s))})]}))]}),e("section",{class:"panel","aria-labelledby":"sim-h","aria-live":"polite",children:[e("h2",{id:"sim-h",children:"Simulation"}),e(I,{error:h.error}),!u&&!h.error&&e("p",{class:"muted",children:"Run the draft on the athlete’s real data; nothing is proposed."}),u&&u.length===0&&e("p",{children:"The draft proposes nothing for today."}),u&&u.length>0&&e("ul",{class:"cards",children:u.map((s,d)=>e("li",{children:[e("p",{children:[e("strong",{children:s.reason})," ",e("span",{class:"tag",children:s.kind})]}),e("details",{children:[e("summary",{children:"The whole draft"}),e(z,{value:s.draft})]})]},d))})]}),g&&e(se,{ruleId:g,onLoad:s=>a.onLoadVersion({name:i,scope:c,source:s.source,fixtures:s.fixtures,ruleId:g})},`${g}-${J}`)]})}function se(a){const r=V(Q,{ruleId:a.ruleId});return e("section",{class:"panel","aria-labelledby":"versions-h",children:[e("h2",{id:"versions-h",children:"Versions"}),e(I,{error:r.error,retry:r.reload}),!r.data&&!r.error&&e(M,{}),r.data&&e("ol",{class:"versions",reversed:!0,children:r.data.ruleVersions.map(n=>e("li",{children:[e("strong",{children:["Version ",n.version]})," ",e("span",{class:`tag ${n.status==="active"?"good":n.status==="rejected"?"bad":""}`,children:n.status})," ",e("span",{class:"small muted",children:C(n.createdAt)}),n.problems.length>0&&e(q,{children:[e("p",{class:"small",children:"Refused because:"}),e("ul",{class:"small",children:n.problems.map(i=>e("li",{children:i},i))})]}),e("button",{type:"button",class:"secondary small",onClick:()=>a.onLoad(n),children:["Load version ",n.version," into the editor"]})]},n.version))})]})}export{ne as default};
