import{e as y,d as g,u,r as h,a as e,E as b,N as k,L as w,S as P,P as E,g as c,F as p,I as $}from"./console-3qIYcZ9a.js";import{i as d,w as m}from"./format-qEaakrqp.js";import"./preload-helper-CVfkMyKi.js";const C=c(`
  query AdminPlugins {
    plugins {
      id
      version
      apiVersion
      displayName
      contentHash
      loadedAt
      enabled
      breaker
      consecutiveFailures
      openUntil
      calls
      failures
      limits {
        webhookDeadlineMs
        webhookCpuMs
        jobDeadlineMs
        jobCpuMs
        memoryLimitMb
      }
      capabilities {
        oauth
        oauthScopes
        allowedHosts
        webhookKinds
        jobKinds
        secrets
      }
      recentFailures(limit: 10) {
        at
        version
        call
        kind
        message
        backtrace
      }
    }
    pluginLoadErrors {
      path
      message
      at
    }
  }
`),S=c(`
  mutation SetPluginEnabled($id: String!, $enabled: Boolean!, $reason: String!) {
    setPluginEnabled(id: $id, enabled: $enabled, reason: $reason) {
      id
      enabled
    }
  }
`),v=c(`
  mutation ResetPluginBreaker($id: String!) {
    resetPluginBreaker(id: $id) {
      id
      breaker
    }
  }
`),F=c(`
  mutation ReloadPlugins {
    reloadPlugins {
      id
      version
    }
  }
`),j={CLOSED:"good",OPEN:"bad",HALF_OPEN:"warn"};function D(){const s=y(C,{}),[a,r]=g(""),n=u(async()=>{const i=await h(F,{});r(i.reloadPlugins.map(t=>`${t.id} ${t.version}`).join(", ")||"no plugins"),s.reload()});return e(E,{title:"Plugins",actions:e("button",{type:"button",class:"secondary",onClick:()=>{n.run()},disabled:n.busy,children:n.busy?"Reloading…":"Reload from disk"}),children:[e(b,{error:n.error}),a&&e(k,{kind:"success",live:!0,children:e("p",{children:["Reloaded: ",a,"."]})}),e(b,{error:s.error,retry:s.reload}),!s.data&&!s.error&&e(w,{what:"plugins"}),s.data&&e(P,{children:[s.data.plugins.length===0&&e("p",{children:"No plugins are loaded."}),e("ul",{class:"cards",children:s.data.plugins.map(i=>e(L,{plugin:i,onChange:s.reload},i.id))}),s.data.pluginLoadErrors.length>0&&e("section",{class:"panel","aria-labelledby":"load-errors-h",children:[e("h2",{id:"load-errors-h",children:"Files that failed to load"}),e("ul",{children:s.data.pluginLoadErrors.map(i=>e("li",{children:[e("code",{children:i.path})," (",d(i.at),"): ",i.message]},i.path))})]})]})]})}function L(s){const a=s.plugin,r=u(async l=>{await h(S,{id:a.id,enabled:!a.enabled,reason:l}),s.onChange()}),n=u(async()=>{await h(v,{id:a.id}),s.onChange()}),[i,t]=g("");return e("li",{children:[e("h2",{class:"h3",children:[a.displayName," ",e("span",{class:"muted small",children:["(",a.id," ",a.version,", plugin API ",a.apiVersion,")"]})]}),e("p",{children:[e("span",{class:`tag ${a.enabled?"good":"bad"}`,children:a.enabled?"Enabled":"Disabled"})," ",e("span",{class:`tag ${j[a.breaker]??""}`,children:["Breaker ",m(a.breaker).toLowerCase()]}),a.openUntil&&e("span",{class:"small",children:[" until ",d(a.openUntil)]})]}),e(p,{class:"plain",items:[["Calls (this host)",a.calls],["Failures (this host)",a.failures],["Failures in a row",a.consecutiveFailures],["Loaded",d(a.loadedAt)]]}),e("details",{children:[e("summary",{children:"Limits and capabilities"}),e(p,{class:"plain",items:[["Webhook call",`${a.limits.webhookDeadlineMs} ms wall, ${a.limits.webhookCpuMs} ms CPU`],["Job call",`${a.limits.jobDeadlineMs} ms wall, ${a.limits.jobCpuMs} ms CPU`],["Memory",`${a.limits.memoryLimitMb} MiB`],["OAuth",a.capabilities.oauth?`yes (${a.capabilities.oauthScopes.join(", ")})`:"no"],["Hosts",a.capabilities.allowedHosts.join(", ")||"—"],["Webhooks",a.capabilities.webhookKinds.join(", ")||"—"],["Jobs",a.capabilities.jobKinds.join(", ")||"—"],["Secrets it compares",a.capabilities.secrets.join(", ")||"—"]]}),e("p",{class:"small",children:["SHA-256 ",e("code",{children:a.contentHash})]})]}),a.recentFailures.length>0&&e("details",{children:[e("summary",{children:["Recent failures (",a.recentFailures.length,")"]}),e("ul",{children:a.recentFailures.map((l,o)=>e("li",{class:"small",children:[d(l.at)," · ",l.call," · ",m(l.kind),": ",l.message,l.backtrace&&e("pre",{class:"json",children:l.backtrace})]},o))})]}),e("form",{class:"row",onSubmit:l=>{l.preventDefault();const o=String(new FormData(l.currentTarget).get("reason")??"").trim();t(o?"":"Say why; it goes into the audit log."),o&&r.run(o)},children:[e($,{label:"Reason",name:"reason",error:i||r.error?.byField.reason}),e("div",{class:"actions",children:[e("button",{type:"submit",class:a.enabled?"danger secondary":"secondary",disabled:r.busy,children:[a.enabled?"Disable":"Enable"," ",e("span",{class:"visually-hidden",children:a.displayName})]}),a.breaker!=="CLOSED"&&e("button",{type:"button",class:"secondary",onClick:()=>{n.run()},disabled:n.busy,children:"Close the breaker"})]})]}),e(b,{error:r.error??n.error})]})}export{D as default};
