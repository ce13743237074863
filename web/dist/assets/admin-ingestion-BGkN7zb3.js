import{e as u,d as b,u as p,r as g,a as e,E as l,L as m,S as i,I as y,F as k,P as I,g as o}from"./console-3qIYcZ9a.js";import{i as d}from"./format-qEaakrqp.js";import"./preload-helper-CVfkMyKi.js";const f=o(`
  query AdminIngestion {
    ingestion {
      brake {
        paused
        reason
        since
      }
      jobs {
        queued
        held
        running
        failed
      }
      rateWindows {
        provider
        budget
        window
        startsAt
        usage
        limit
      }
      rejections {
        plugin
        athleteId
        externalId
        reason
        at
      }
    }
  }
`),j=o(`
  mutation SetIngestionPaused($paused: Boolean!, $reason: String!) {
    setIngestionPaused(paused: $paused, reason: $reason) {
      paused
      reason
      since
    }
  }
`);function S(){const s=u(f,{}),[c,h]=b(""),t=p(async(r,n)=>{await g(j,{paused:r,reason:n}),s.reload()}),a=s.data?.ingestion;return e(I,{title:"Ingestion",actions:e("button",{type:"button",class:"secondary",onClick:s.reload,children:"Refresh"}),children:[e(l,{error:s.error,retry:s.reload}),!a&&!s.error&&e(m,{}),a&&e(i,{children:[e("section",{class:`panel${a.brake.paused?" braked":""}`,"aria-labelledby":"brake-h",children:[e("h2",{id:"brake-h",children:"The brake"}),e("p",{children:a.brake.paused?e(i,{children:[e("span",{class:"tag bad",children:"Ingestion is paused"})," since ",d(a.brake.since),": ",a.brake.reason]}):e("span",{class:"tag good",children:"Ingestion is running"})}),e("form",{class:"row",onSubmit:r=>{r.preventDefault();const n=String(new FormData(r.currentTarget).get("reason")??"").trim();h(n?"":"Say why; it goes into the audit log."),n&&t.run(!a.brake.paused,n)},children:[e(y,{label:"Reason",name:"reason",error:c||t.error?.byField.reason}),e("button",{type:"submit",class:a.brake.paused?"":"danger",disabled:t.busy,children:a.brake.paused?"Release the brake":"Pull the brake: pause all ingestion"})]}),e(l,{error:t.error})]}),e("section",{class:"panel","aria-labelledby":"queue-h",children:[e("h2",{id:"queue-h",children:"Queue"}),e(k,{items:[["Queued",a.jobs.queued],["Held by the brake",a.jobs.held],["Running",a.jobs.running],["Failed for good",a.jobs.failed]]})]}),e("section",{class:"panel","aria-labelledby":"rates-h",children:[e("h2",{id:"rates-h",children:"Rate budgets (last day)"}),a.rateWindows.length===0?e("p",{children:"No provider calls in the last day."}):e("div",{class:"table-wrap",children:e("table",{children:[e("thead",{children:e("tr",{children:[e("th",{scope:"col",children:"Provider"}),e("th",{scope:"col",children:"Budget"}),e("th",{scope:"col",children:"Window"}),e("th",{scope:"col",children:"Starts"}),e("th",{scope:"col",class:"num",children:"Used"})]})}),e("tbody",{children:a.rateWindows.map((r,n)=>e("tr",{children:[e("td",{children:r.provider}),e("td",{children:r.budget}),e("td",{children:r.window}),e("td",{children:d(r.startsAt)}),e("td",{class:"num",children:[r.usage," / ",r.limit]})]},n))})]})})]}),e("section",{class:"panel","aria-labelledby":"rejections-h",children:[e("h2",{id:"rejections-h",children:"Refused records"}),a.rejections.length===0?e("p",{children:"No record was refused."}):e("ul",{children:a.rejections.map((r,n)=>e("li",{children:[d(r.at)," · ",r.plugin,r.externalId&&e(i,{children:[" · record ",r.externalId]}),r.athleteId&&e(i,{children:[" · athlete ",r.athleteId]}),": ",r.reason]},n))})]})]})]})}export{S as default};
