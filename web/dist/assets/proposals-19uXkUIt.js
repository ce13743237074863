import{q as v,c as $,e as E,d as f,a as e,i as w,n as N,E as D,L as A,P as C,g as p,u as g,r as m,S as b,N as R,I as j}from"./console-3qIYcZ9a.js";import{w as I,i as y,l as k,D as T,m as F}from"./format-qEaakrqp.js";import{u as L}from"./ws-DjnkJ-fv.js";import"./preload-helper-CVfkMyKi.js";p(`
  fragment ProposalFields on Proposal {
    id
    athleteId
    state
    kind
    reason
    source {
      kind
      reference
      version
    }
    receipts {
      label
      value
      date
      activityId
    }
    changes {
      date
      workoutId
      before {
        kind
        targetDurationSeconds
        targetDistanceMeters
        intensityZone
        description
      }
      after {
        kind
        targetDurationSeconds
        targetDistanceMeters
        intensityZone
        description
      }
    }
    basePlanVersion
    createdAt
    expiresAt
    decidedAt
    decisionReason
    appliedAt
  }
`);const G=p(`
  query Proposals($athleteId: ID, $state: ProposalState) {
    proposals(athleteId: $athleteId, state: $state) {
      ...ProposalFields
    }
  }
`),W=p(`
  subscription ProposalCreated($athleteId: ID) {
    proposalCreated(athleteId: $athleteId) {
      ...ProposalFields
    }
  }
`),q=p(`
  mutation ConfirmProposal($id: ID!) {
    confirmProposal(id: $id) {
      ...ProposalFields
    }
  }
`),V=p(`
  mutation RejectProposal($id: ID!, $reason: String) {
    rejectProposal(id: $id, reason: $reason) {
      ...ProposalFields
    }
  }
`),x=[["PENDING","Waiting for a decision"],["","All"],["APPLIED","Applied"],["REJECTED","Rejected"],["EXPIRED","Expired"],["SUPERSEDED","Superseded"],["STALE","Stale"]],Z={PENDING:"warn",APPLIED:"good",CONFIRMED:"good",REJECTED:"bad",STALE:"bad"};function _(){const t=v(),{query:a}=$(),o=(a.has("state")?a.get("state"):"PENDING")||null,r=E(G,{athleteId:t.athleteId,state:o}),[c,h]=f(""),i=L(W,{athleteId:t.athleteId},s=>{const n=s.proposalCreated;o&&n.state!==o||(r.setData(l=>l&&!l.proposals.some(S=>S.id===n.id)?{proposals:[n,...l.proposals]}:l),h(`New proposal: ${n.reason}`))}),d=t.self?"Proposals":`${t.name}: proposals`,u=s=>r.setData(n=>n&&{proposals:n.proposals.map(l=>l.id===s.id?s:l)});return e(C,{title:d,lead:"Plan changes wait here until they are confirmed or rejected: nothing in a plan changes silently.",actions:e("span",{class:`live${i==="live"?" on":""}`,children:[e("span",{class:"dot","aria-hidden":"true"}),i==="live"?"Live: new proposals appear here":i==="connecting"?"Connecting…":"Not live (reconnecting)"]}),children:[e("div",{role:"status","aria-live":"polite",class:c?"notice":"visually-hidden",children:c}),e("form",{class:"row",onSubmit:s=>{s.preventDefault();const n=String(new FormData(s.currentTarget).get("state")??"");N(`${t.base}/proposals?state=${n}`)},children:[e(w,{label:"Show",name:"state",defaultValue:o??"",options:x},o??"all"),e("button",{type:"submit",class:"secondary",children:"Show"})]}),e(D,{error:r.error,retry:r.reload}),r.loading&&!r.data&&e(A,{what:"proposals"}),r.data&&r.data.proposals.length===0&&e("p",{children:o==="PENDING"?"Nothing is waiting for a decision.":"No proposals."}),r.data&&e("ul",{class:"cards proposals",children:r.data.proposals.map(s=>e(M,{proposal:s,canDecide:t.canWrite,onChange:u,onStale:r.reload,planHref:`${t.base}/plan`},s.id))})]})}function H(t){switch(t.source.kind){case"RULE":return`Rule “${t.source.reference}”${t.source.version?` (version ${t.source.version})`:""}`;case"PLUGIN":return`Plugin ${t.source.reference}${t.source.version?` ${t.source.version}`:""}`;default:return"A coach"}}function J(t){return typeof t=="number"?Number.isInteger(t)?String(t):t.toFixed(2):typeof t=="string"?t:JSON.stringify(t)}function P(t){if(!t)return T;const a=[I(t.kind)];return t.targetDurationSeconds&&a.push(F(t.targetDurationSeconds)),t.intensityZone&&a.push(`zone ${t.intensityZone}`),a.join(", ")}function M(t){const a=t.proposal,[o,r]=f(!1),[c,h]=f(""),i=g(async()=>{try{const s=await m(q,{id:a.id});t.onChange(s.confirmProposal),h("Confirmed and applied to the plan.")}catch(s){throw t.onStale(),s}}),d=g(async s=>{const n=await m(V,{id:a.id,reason:s||null});t.onChange(n.rejectProposal),h("Rejected; the plan stays as it was.")}),u=`proposal-${a.id}`;return e("li",{"aria-labelledby":u,children:[e("h3",{id:u,children:a.reason}),e("p",{class:"small",children:[e("span",{class:`tag ${Z[a.state]??""}`,children:I(a.state)})," ",H(a)," · proposed ",y(a.createdAt),a.state==="PENDING"&&e(b,{children:[" · lapses ",y(a.expiresAt)]}),a.basePlanVersion!==null&&e(b,{children:[" · against plan version ",a.basePlanVersion]})]}),a.decisionReason&&e("p",{class:"small",children:["Why: ",a.decisionReason]}),e("div",{class:"table-wrap",children:e("table",{class:"diff",children:[e("caption",{children:"What changes"}),e("thead",{children:e("tr",{children:[e("th",{scope:"col",children:"Day"}),e("th",{scope:"col",children:"Before"}),e("th",{scope:"col",children:"After"})]})}),e("tbody",{children:a.changes.map(s=>e("tr",{children:[e("th",{scope:"row",children:k(s.date)}),e("td",{class:"before",children:e("del",{children:[e("span",{class:"visually-hidden",children:"Before: "}),e("strong",{children:P(s.before)}),s.before&&e("p",{class:"small",children:s.before.description})]})}),e("td",{class:"after",children:e("ins",{children:[e("span",{class:"visually-hidden",children:"After: "}),e("strong",{children:s.after?P(s.after):"Removed"}),s.after&&e("p",{class:"small",children:s.after.description})]})})]},`${s.date}-${s.workoutId??""}`))})]})}),a.receipts.length>0&&e("details",{children:[e("summary",{children:["Receipts (",a.receipts.length,")"]}),e("div",{class:"table-wrap",children:e("table",{children:[e("caption",{class:"visually-hidden",children:"What the proposal rests on"}),e("tbody",{children:a.receipts.map((s,n)=>e("tr",{children:[e("th",{scope:"row",children:s.label.replace(/_/g," ")}),e("td",{children:[J(s.value),s.date&&e("span",{class:"muted",children:[" (",s.date,")"]})]})]},n))})]})})]}),c&&e(R,{kind:"success",live:!0,children:e("p",{children:[c," ",e("a",{href:t.planHref,children:"See the plan"}),"."]})}),e(D,{error:i.error??d.error}),t.canDecide&&a.state==="PENDING"&&e("div",{class:"decision",children:o?e("form",{class:"row",onSubmit:s=>{s.preventDefault(),d.run(String(new FormData(s.currentTarget).get("reason")??"").trim())},children:[e(j,{label:"Why (optional)",name:"reason",autoFocus:!0}),e("div",{class:"actions",children:[e("button",{type:"submit",class:"danger",disabled:d.busy,children:"Reject"}),e("button",{type:"button",class:"secondary",onClick:()=>r(!1),children:"Cancel"})]})]}):e("div",{class:"actions",children:[e("button",{type:"button",onClick:()=>{i.run()},disabled:i.busy,children:i.busy?"Confirming…":"Confirm"}),e("button",{type:"button",class:"secondary",onClick:()=>r(!0),children:"Reject…"})]})})]})}export{_ as default};
