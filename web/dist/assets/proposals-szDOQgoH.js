import{d as m,q as F,v as w,o as O,c as W,e as G,a as e,i as J,n as M,E as R,L as x,P as z,g as y,u as D,r as I,S as $,N as V,I as Z}from"./console-BD59X3B4.js";import{w as T,i as E,l as _,D as H,m as U}from"./format-qEaakrqp.js";import"./preload-helper-CVfkMyKi.js";const p=new Map,S=new Set;let d=null,b=!1,P="offline",B=0,N=0,k,A;function g(t){P=t;for(const s of S)s(t)}function v(t){d?.readyState===WebSocket.OPEN&&d.send(JSON.stringify(t))}function j(t,s){v({id:t,type:"subscribe",payload:{query:s.query,variables:s.variables}})}function L(){if(d||p.size===0)return;clearTimeout(k),g("connecting");const t=`${location.protocol==="https:"?"wss":"ws"}://${location.host}/graphql/ws`,s=new WebSocket(t,"graphql-transport-ws");d=s,b=!1,s.onopen=()=>s.send(JSON.stringify({type:"connection_init",payload:{}})),s.onmessage=i=>{let n;try{n=JSON.parse(String(i.data))}catch{return}switch(n.type){case"connection_ack":b=!0,N=0,g("live");for(const[a,o]of p)j(a,o);break;case"ping":v({type:"pong"});break;case"next":{const a=n.payload,o=n.id?p.get(n.id):void 0;if(!o)break;a.errors?.length?o.error(a.errors.map(l=>l.message).join("; ")):o.next(a.data);break}case"error":{const a=n.id?p.get(n.id):void 0,o=n.payload;a?.error(Array.isArray(o)?o.map(l=>l.message).join("; "):"subscription refused");break}}},s.onclose=()=>{if(d===s&&(d=null),b=!1,p.size===0){g("offline");return}g("offline");const i=Math.min(3e4,1e3*2**N++)*(.75+Math.random()/2);k=setTimeout(L,i)}}function Q(t,s,i,n=()=>{}){const a=String(++B),o={query:t.toString(),variables:s,next:i,error:n};return p.set(a,o),clearTimeout(A),d?b&&j(a,o):L(),()=>{p.delete(a),b&&v({id:a,type:"complete"}),p.size===0&&(A=setTimeout(()=>{p.size===0&&d&&(d.close(1e3,"no subscriptions"),d=null,g("offline"))},2e3))}}function X(t,s,i,n=!0){const[a,o]=m(P),l=F(i);l.current=i;const u=JSON.stringify(s??{});return w(()=>(S.add(o),o(P),()=>{S.delete(o)}),[]),w(()=>{if(n)return Q(t,JSON.parse(u),f=>l.current(f))},[t,u,n]),a}y(`
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
`);const K=y(`
  query Proposals($athleteId: ID, $state: ProposalState) {
    proposals(athleteId: $athleteId, state: $state) {
      ...ProposalFields
    }
  }
`),Y=y(`
  subscription ProposalCreated($athleteId: ID) {
    proposalCreated(athleteId: $athleteId) {
      ...ProposalFields
    }
  }
`),ee=y(`
  mutation ConfirmProposal($id: ID!) {
    confirmProposal(id: $id) {
      ...ProposalFields
    }
  }
`),te=y(`
  mutation RejectProposal($id: ID!, $reason: String) {
    rejectProposal(id: $id, reason: $reason) {
      ...ProposalFields
    }
  }
`),se=[["PENDING","Waiting for a decision"],["","All"],["APPLIED","Applied"],["REJECTED","Rejected"],["EXPIRED","Expired"],["SUPERSEDED","Superseded"],["STALE","Stale"]],re={PENDING:"warn",APPLIED:"good",CONFIRMED:"good",REJECTED:"bad",STALE:"bad"};function de(){const t=O(),{query:s}=W(),i=(s.has("state")?s.get("state"):"PENDING")||null,n=G(K,{athleteId:t.athleteId,state:i}),[a,o]=m(""),l=X(Y,{athleteId:t.athleteId},r=>{const c=r.proposalCreated;i&&c.state!==i||(n.setData(h=>h&&!h.proposals.some(q=>q.id===c.id)?{proposals:[c,...h.proposals]}:h),o(`New proposal: ${c.reason}`))}),u=t.self?"Proposals":`${t.name}: proposals`,f=r=>n.setData(c=>c&&{proposals:c.proposals.map(h=>h.id===r.id?r:h)});return e(z,{title:u,lead:"Plan changes wait here until they are confirmed or rejected: nothing in a plan changes silently.",actions:e("span",{class:`live${l==="live"?" on":""}`,children:[e("span",{class:"dot","aria-hidden":"true"}),l==="live"?"Live: new proposals appear here":l==="connecting"?"Connecting…":"Not live (reconnecting)"]}),children:[e("div",{role:"status","aria-live":"polite",class:a?"notice":"visually-hidden",children:a}),e("form",{class:"row",onSubmit:r=>{r.preventDefault();const c=String(new FormData(r.currentTarget).get("state")??"");M(`${t.base}/proposals?state=${c}`)},children:[e(J,{label:"Show",name:"state",defaultValue:i??"",options:se},i??"all"),e("button",{type:"submit",class:"secondary",children:"Show"})]}),e(R,{error:n.error,retry:n.reload}),n.loading&&!n.data&&e(x,{what:"proposals"}),n.data&&n.data.proposals.length===0&&e("p",{children:i==="PENDING"?"Nothing is waiting for a decision.":"No proposals."}),n.data&&e("ul",{class:"cards proposals",children:n.data.proposals.map(r=>e(oe,{proposal:r,canDecide:t.canWrite,onChange:f,onStale:n.reload,planHref:`${t.base}/plan`},r.id))})]})}function ne(t){switch(t.source.kind){case"RULE":return`Rule “${t.source.reference}”${t.source.version?` (version ${t.source.version})`:""}`;case"PLUGIN":return`Plugin ${t.source.reference}${t.source.version?` ${t.source.version}`:""}`;default:return"A coach"}}function ae(t){return typeof t=="number"?Number.isInteger(t)?String(t):t.toFixed(2):typeof t=="string"?t:JSON.stringify(t)}function C(t){if(!t)return H;const s=[T(t.kind)];return t.targetDurationSeconds&&s.push(U(t.targetDurationSeconds)),t.intensityZone&&s.push(`zone ${t.intensityZone}`),s.join(", ")}function oe(t){const s=t.proposal,[i,n]=m(!1),[a,o]=m(""),l=D(async()=>{try{const r=await I(ee,{id:s.id});t.onChange(r.confirmProposal),o("Confirmed and applied to the plan.")}catch(r){throw t.onStale(),r}}),u=D(async r=>{const c=await I(te,{id:s.id,reason:r||null});t.onChange(c.rejectProposal),o("Rejected; the plan stays as it was.")}),f=`proposal-${s.id}`;return e("li",{"aria-labelledby":f,children:[e("h3",{id:f,children:s.reason}),e("p",{class:"small",children:[e("span",{class:`tag ${re[s.state]??""}`,children:T(s.state)})," ",ne(s)," · proposed ",E(s.createdAt),s.state==="PENDING"&&e($,{children:[" · lapses ",E(s.expiresAt)]}),s.basePlanVersion!==null&&e($,{children:[" · against plan version ",s.basePlanVersion]})]}),s.decisionReason&&e("p",{class:"small",children:["Why: ",s.decisionReason]}),e("div",{class:"table-wrap",children:e("table",{class:"diff",children:[e("caption",{children:"What changes"}),e("thead",{children:e("tr",{children:[e("th",{scope:"col",children:"Day"}),e("th",{scope:"col",children:"Before"}),e("th",{scope:"col",children:"After"})]})}),e("tbody",{children:s.changes.map(r=>e("tr",{children:[e("th",{scope:"row",children:_(r.date)}),e("td",{class:"before",children:e("del",{children:[e("span",{class:"visually-hidden",children:"Before: "}),e("strong",{children:C(r.before)}),r.before&&e("p",{class:"small",children:r.before.description})]})}),e("td",{class:"after",children:e("ins",{children:[e("span",{class:"visually-hidden",children:"After: "}),e("strong",{children:r.after?C(r.after):"Removed"}),r.after&&e("p",{class:"small",children:r.after.description})]})})]},`${r.date}-${r.workoutId??""}`))})]})}),s.receipts.length>0&&e("details",{children:[e("summary",{children:["Receipts (",s.receipts.length,")"]}),e("div",{class:"table-wrap",children:e("table",{children:[e("caption",{class:"visually-hidden",children:"What the proposal rests on"}),e("tbody",{children:s.receipts.map((r,c)=>e("tr",{children:[e("th",{scope:"row",children:r.label.replace(/_/g," ")}),e("td",{children:[ae(r.value),r.date&&e("span",{class:"muted",children:[" (",r.date,")"]})]})]},c))})]})})]}),a&&e(V,{kind:"success",live:!0,children:e("p",{children:[a," ",e("a",{href:t.planHref,children:"See the plan"}),"."]})}),e(R,{error:l.error??u.error}),t.canDecide&&s.state==="PENDING"&&e("div",{class:"decision",children:i?e("form",{class:"row",onSubmit:r=>{r.preventDefault(),u.run(String(new FormData(r.currentTarget).get("reason")??"").trim())},children:[e(Z,{label:"Why (optional)",name:"reason",autoFocus:!0}),e("div",{class:"actions",children:[e("button",{type:"submit",class:"danger",disabled:u.busy,children:"Reject"}),e("button",{type:"button",class:"secondary",onClick:()=>n(!1),children:"Cancel"})]})]}):e("div",{class:"actions",children:[e("button",{type:"button",onClick:()=>{l.run()},disabled:l.busy,children:l.busy?"Confirming…":"Confirm"}),e("button",{type:"button",class:"secondary",onClick:()=>n(!0),children:"Reject…"})]})})]})}export{de as default};
