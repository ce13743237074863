import{a as n,P as v,e as f,E as p,L as m,S as b,g as c,d as y,u,r as h,F as g}from"./console-C9s8VvNp.js";import{i as s}from"./format-B2pNWweT.js";import"./preload-helper-CVfkMyKi.js";const k=c(`
  query Connections {
    connections {
      provider
      status
      scopes
      externalAthleteId
      connectedAt
      backfill {
        status
        pagesDone
        activitiesDone
        deferredUntil
        note
        updatedAt
      }
    }
  }
`),C=c(`
  mutation ConnectProvider($provider: String!) {
    connectProvider(provider: $provider) {
      authorizeUrl
      expiresAt
    }
  }
`),P=c(`
  mutation DisconnectProvider($provider: String!) {
    disconnectProvider(provider: $provider)
  }
`),w=[["strava","Strava"],["garmin","Garmin"]];function A(t){const e=f(k,{}),o=()=>{e.reload(),t.onChange?.()};return n(b,{children:[n(p,{error:e.error,retry:e.reload}),!e.data&&!e.error&&n(m,{what:"connections"}),e.data&&n("ul",{class:"cards",children:w.map(([i,r])=>n(S,{id:i,name:r,connection:e.data.connections.find(a=>a.provider===i),reload:o},i))})]})}function x(){return n(v,{title:"Connections",lead:"Connect a device account and Stride imports your history, then follows new sessions as they arrive.",children:[n(A,{}),n("section",{class:"panel",id:"upload","aria-labelledby":"upload-h",children:[n("h2",{id:"upload-h",children:"Upload a file"}),n("p",{class:"muted",children:"Uploading FIT, GPX or TCX files is coming in a later version of Stride. Until then, connect a device account above or log a session by hand."})]})]})}function S(t){const e=t.connection,[o,i]=y(null),r=u(async()=>{const d=await h(C,{provider:t.id});i({url:d.connectProvider.authorizeUrl,expiresAt:d.connectProvider.expiresAt})}),a=u(async()=>{await h(P,{provider:t.id}),t.reload()}),l=e&&e.status==="active";return n("li",{children:[n("h2",{class:"h3",children:t.name}),e?n(g,{class:"plain",items:[["Status",e.status],["Connected",s(e.connectedAt)],["Account",e.externalAthleteId],["Permissions",e.scopes.join(", ")||"—"],["History import",e.backfill?`${e.backfill.status}: ${e.backfill.activitiesDone} activities, ${e.backfill.pagesDone} pages`:"—"],...e.backfill?.deferredUntil?[["Resumes",s(e.backfill.deferredUntil)]]:[]]}):n("p",{children:"Not connected."}),e?.backfill?.note&&n("p",{class:"small muted",children:e.backfill.note}),n(p,{error:r.error??a.error}),o&&n("div",{class:"notice",children:[n("p",{children:n("a",{href:o.url,target:"_blank",rel:"noopener noreferrer",children:["Continue at ",t.name," to allow Stride (opens a new tab)"]})}),n("p",{class:"small",children:["The link works once, until ",s(o.expiresAt),". Come back here afterwards and refresh."]})]}),n("div",{class:"actions",children:[!l&&n("button",{type:"button",onClick:()=>{r.run()},disabled:r.busy,children:r.busy?"Preparing…":`Connect ${t.name}`}),e&&n("button",{type:"button",class:"secondary",onClick:t.reload,children:"Refresh status"}),l&&n("button",{type:"button",class:"danger secondary",disabled:a.busy,onClick:()=>{window.confirm(`Disconnect ${t.name}? Stride stops importing and erases its tokens; imported sessions stay.`)&&a.run()},children:"Disconnect"})]})]})}export{w as PROVIDERS,A as ProviderList,x as default};
