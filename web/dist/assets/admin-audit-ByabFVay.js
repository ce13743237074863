import{c as $,T as y,e as I,d as q,u as w,r as V,a as e,E as b,N as k,i as v,I as s,n as P,L as K,S as A,J as E,P as T,g as h}from"./console-3qIYcZ9a.js";import{i as C}from"./format-qEaakrqp.js";import"./preload-helper-CVfkMyKi.js";const D=h(`
  query AuditLog($filter: AuditFilterInput, $first: Int, $after: String) {
    auditLog(filter: $filter, first: $first, after: $after) {
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          seq
          at
          actorId
          realActorId
          action
          targetKind
          targetId
          reason
          payload
          hash
        }
      }
    }
  }
`),F=h(`
  query VerifyAuditLog {
    verifyAuditLog {
      checked
      intact
      firstBrokenSeq
      problem
    }
  }
`),R=h(`
  query AuditPeople {
    users {
      id
      displayName
      email
    }
  }
`),U=["","user","invite","grant","proposal","plan","rule","plugin","ingestion"],x=["actorId","targetKind","targetId","action","since","until"],z=50;function L(a){if(!a)return null;const i=new Date(a);return Number.isNaN(i.getTime())?null:i.toISOString()}function Q(){const{query:a}=$(),i=a.get("after"),S=y(()=>({actorId:a.get("actorId")||null,targetKind:a.get("targetKind")||null,targetId:a.get("targetId")||null,action:a.get("action")||null,since:L(a.get("since")),until:L(a.get("until"))}),[a.toString()]),r=I(D,{filter:S,first:z,after:i}),d=I(R,{}),u=y(()=>new Map((d.data?.users??[]).map(t=>[t.id,t.displayName])),[d.data]),[l,g]=q(null),c=w(async()=>{g(null),g((await V(F,{})).verifyAuditLog)}),p=x.some(t=>a.get(t)),f=t=>{const n=new URLSearchParams(a);return n.delete("after"),t&&n.set("after",t),`/admin/audit${n.size?`?${n}`:""}`},m=t=>t===null?"Stride":u.get(t)??t;return e(T,{title:"Audit log",lead:"Every privileged or plan-changing action, newest first. Each entry carries the hash of the one before it.",children:[e("section",{class:"panel","aria-labelledby":"verify-h",children:[e("h2",{id:"verify-h",children:"Verify the chain"}),e("p",{class:"muted small",children:"Recomputes every entry’s hash from the start and names the first one that does not match."}),e("button",{type:"button",onClick:()=>{c.run()},disabled:c.busy,children:c.busy?"Verifying…":"Verify the audit chain"}),e(b,{error:c.error}),l&&(l.intact?e(k,{kind:"success",live:!0,children:e("p",{class:"verify-result",children:["The chain is intact: ",l.checked," entries checked."]})}):e("div",{class:"notice error",role:"alert",children:e("p",{class:"verify-result",children:["The chain is broken at entry ",l.firstBrokenSeq,": ",l.problem," (",l.checked," entries checked)."]})}))]}),e("form",{class:"panel",role:"search","aria-label":"Filter the audit log",onSubmit:t=>{t.preventDefault();const n=new URLSearchParams;new FormData(t.currentTarget).forEach((o,N)=>typeof o=="string"&&o.trim()&&n.set(N,o.trim())),P(`/admin/audit${n.size?`?${n}`:""}`)},children:[e("div",{class:"row",children:[d.data?e(v,{label:"Actor",name:"actorId",defaultValue:a.get("actorId")??"",options:[["","Anyone"],...d.data.users.map(t=>[t.id,`${t.displayName} (${t.email})`])]}):e(s,{label:"Actor id",name:"actorId",defaultValue:a.get("actorId")??""}),e(v,{label:"Target kind",name:"targetKind",defaultValue:a.get("targetKind")??"",options:U.map(t=>[t,t||"Any"])}),e(s,{label:"Target id",name:"targetId",defaultValue:a.get("targetId")??""}),e(s,{label:"Action",name:"action",defaultValue:a.get("action")??"",hint:"e.g. proposal.apply"})]}),e("div",{class:"row",children:[e(s,{label:"Since",name:"since",type:"datetime-local",defaultValue:a.get("since")??""}),e(s,{label:"Until",name:"until",type:"datetime-local",defaultValue:a.get("until")??""}),e("div",{class:"actions",children:[e("button",{type:"submit",children:"Filter"}),p&&e("a",{class:"button secondary",href:"/admin/audit",children:"Clear"})]})]})]}),e(b,{error:r.error,retry:r.reload}),r.loading&&!r.data&&e(K,{what:"entries"}),r.data&&e(A,{children:[r.data.auditLog.edges.length===0&&e("p",{children:["No entries",p?" match":"","."]}),r.data.auditLog.edges.length>0&&e("div",{class:"table-wrap",children:e("table",{class:"audit",children:[e("caption",{children:["Entries ",r.data.auditLog.edges[0].node.seq,"–",r.data.auditLog.edges[r.data.auditLog.edges.length-1].node.seq]}),e("thead",{children:e("tr",{children:[e("th",{scope:"col",class:"num",children:"#"}),e("th",{scope:"col",children:"When"}),e("th",{scope:"col",children:"Who"}),e("th",{scope:"col",children:"Action"}),e("th",{scope:"col",children:"Target"}),e("th",{scope:"col",children:"Details"})]})}),e("tbody",{children:r.data.auditLog.edges.map(({node:t})=>e("tr",{children:[e("td",{class:"num",children:t.seq}),e("td",{children:C(t.at)}),e("td",{children:[m(t.actorId),t.realActorId&&t.realActorId!==t.actorId&&e("span",{class:"small muted",children:[" (really ",m(t.realActorId),")"]})]}),e("td",{children:e("code",{children:t.action})}),e("td",{children:[t.targetKind,t.targetId&&e(A,{children:[e("br",{}),e("a",{class:"small",href:`/admin/audit?targetKind=${encodeURIComponent(t.targetKind)}&targetId=${encodeURIComponent(t.targetId)}`,children:u.get(t.targetId)??t.targetId})]})]}),e("td",{children:[t.reason&&e("p",{class:"small",children:t.reason}),e("details",{children:[e("summary",{class:"small",children:"Payload and hash"}),e(E,{value:t.payload}),e("p",{class:"small",children:["Hash ",e("code",{children:t.hash})]})]})]})]},t.seq))})]})}),e("nav",{class:"actions","aria-label":"Pages",children:[i&&e("a",{class:"button secondary",href:f(null),children:"Newest entries"}),i&&e("button",{type:"button",class:"secondary",onClick:()=>history.back(),children:"Previous page"}),r.data.auditLog.pageInfo.hasNextPage&&e("a",{class:"button secondary",href:f(r.data.auditLog.pageInfo.endCursor),children:"Older entries"})]})]})]})}export{Q as default};
