import{A as m,a as e,P as U,d as y,E as b,N as D,F as N,S as I,e as x,L as P,u as T,r as R,I as E,m as L,g as f}from"./console-BD59X3B4.js";import{i as g}from"./format-qEaakrqp.js";import"./preload-helper-CVfkMyKi.js";function M(n,t,d,l,c="files"){const s=new FormData;return s.append("operations",JSON.stringify({query:n.toString(),variables:{...t,[c]:d.map(()=>null)}})),s.append("map",JSON.stringify(Object.fromEntries(d.map((r,i)=>[String(i),[`variables.${c}.${i}`]])))),d.forEach((r,i)=>s.append(String(i),r,r.name)),new Promise((r,i)=>{const o=new XMLHttpRequest;o.open("POST","/graphql"),o.withCredentials=!0,o.setRequestHeader("x-stride-console","1"),o.upload.addEventListener("progress",h=>l({loaded:h.loaded,total:h.lengthComputable?h.total:null,sent:!1})),o.upload.addEventListener("load",()=>l({loaded:1,total:1,sent:!0})),o.addEventListener("error",()=>i(new m("network error","NETWORK"))),o.addEventListener("abort",()=>i(new m("the upload was cancelled","UNKNOWN"))),o.addEventListener("load",()=>{if(o.status===401){i(new m("You are not logged in.","UNAUTHENTICATED"));return}if(o.status===413){i(new m("The files are larger than this server accepts at once. Upload fewer at a time.","BAD_INPUT"));return}if(o.status===429){const u=Number(o.getResponseHeader("retry-after"));i(new m("too many requests","RATE_LIMITED",[],Number.isFinite(u)&&u>0?u:void 0));return}let h;try{h=JSON.parse(o.responseText)}catch{i(new m(`the server answered ${o.status} ${o.statusText}`,o.status>=500?"INTERNAL":"UNKNOWN"));return}const v=h.errors?.[0];if(v){const u=h.errors.flatMap(k=>k.extensions?.fields??[]);i(new m(v.message,v.extensions?.code??"UNKNOWN",u));return}r(h.data)}),o.send(s)})}const H=f(`
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
`),q=f(`
  mutation ConnectProvider($provider: String!) {
    connectProvider(provider: $provider) {
      authorizeUrl
      expiresAt
    }
  }
`),O=f(`
  mutation DisconnectProvider($provider: String!) {
    disconnectProvider(provider: $provider)
  }
`),z=[["strava","Strava"],["garmin","Garmin"]];function B(n){const t=x(H,{}),d=()=>{t.reload(),n.onChange?.()};return e(I,{children:[e(b,{error:t.error,retry:t.reload}),!t.data&&!t.error&&e(P,{what:"connections"}),t.data&&e("ul",{class:"cards",children:z.map(([l,c])=>e(W,{id:l,name:c,connection:t.data.connections.find(s=>s.provider===l),reload:d},l))})]})}function ee(){return e(U,{title:"Connections",lead:"Connect a device account and Stride imports your history, then follows new sessions as they arrive.",children:[e(B,{}),e(_,{}),e(Q,{})]})}function W(n){const t=n.connection,[d,l]=y(null),c=T(async()=>{const i=await R(q,{provider:n.id});l({url:i.connectProvider.authorizeUrl,expiresAt:i.connectProvider.expiresAt})}),s=T(async()=>{await R(O,{provider:n.id}),n.reload()}),r=t&&t.status==="active";return e("li",{children:[e("h2",{class:"h3",children:n.name}),t?e(N,{class:"plain",items:[["Status",t.status],["Connected",g(t.connectedAt)],["Account",t.externalAthleteId],["Permissions",t.scopes.join(", ")||"—"],["History import",t.backfill?`${t.backfill.status}: ${t.backfill.activitiesDone} activities, ${t.backfill.pagesDone} pages`:"—"],...t.backfill?.deferredUntil?[["Resumes",g(t.backfill.deferredUntil)]]:[]]}):e("p",{children:"Not connected."}),t?.backfill?.note&&e("p",{class:"small muted",children:t.backfill.note}),e(b,{error:c.error??s.error}),d&&e("div",{class:"notice",children:[e("p",{children:e("a",{href:d.url,target:"_blank",rel:"noopener noreferrer",children:["Continue at ",n.name," to allow Stride (opens a new tab)"]})}),e("p",{class:"small",children:["The link works once, until ",g(d.expiresAt),". Come back here afterwards and refresh."]})]}),e("div",{class:"actions",children:[!r&&e("button",{type:"button",onClick:()=>{c.run()},disabled:c.busy,children:c.busy?"Preparing…":`Connect ${n.name}`}),t&&e("button",{type:"button",class:"secondary",onClick:n.reload,children:"Refresh status"}),r&&e("button",{type:"button",class:"danger secondary",disabled:s.busy,onClick:()=>{window.confirm(`Disconnect ${n.name}? Stride stops importing and erases its tokens; imported sessions stay.`)&&s.run()},children:"Disconnect"})]})]})}const X=f(`
  query RelayTokens {
    relayTokens {
      id
      plugin
      name
      url
      createdAt
      lastUsedAt
      revokedAt
    }
  }
`),K=f(`
  mutation CreateRelayToken($plugin: String!, $name: String!) {
    createRelayToken(plugin: $plugin, name: $name) {
      token
      relayToken {
        id
        name
        url
      }
    }
  }
`),G=f(`
  mutation RevokeRelayToken($id: ID!) {
    revokeRelayToken(id: $id)
  }
`),J=f(`
  mutation ImportFiles($files: [Upload!]!, $athleteId: ID) {
    importFiles(files: $files, athleteId: $athleteId) {
      fileName
      filesRead
      activities
      duplicates
      refused
      problems {
        item
        message
      }
      error
    }
  }
`);function $(n){const[t,d]=y(null);return e("div",{class:"copy-field",children:[e(E,{label:n.label,name:n.name,value:n.value,readOnly:!0,class:"mono",onFocus:l=>l.currentTarget.select()}),e("button",{type:"button",class:"secondary","aria-label":`Copy ${n.label.toLowerCase()}`,onClick:()=>{navigator.clipboard?.writeText(n.value).then(()=>d("yes"),()=>d("no"))??d("no")},children:"Copy"}),e("span",{class:"small muted",role:"status",children:t==="yes"?"Copied.":t==="no"?"Select the text and copy it yourself.":""})]})}function _(){const n=x(X,{}),[t,d]=y(null),l=T(async r=>{const o=(await R(K,{plugin:"apple-health",name:r})).createRelayToken;return d({token:o.token,url:o.relayToken.url,name:o.relayToken.name}),n.reload(),!0}),c=T(async r=>{await R(G,{id:r}),n.reload()}),s=n.data?.relayTokens??[];return e("section",{class:"panel",id:"relay","aria-labelledby":"relay-h",children:[e("h2",{id:"relay-h",children:"iPhone (Apple Health) relay"}),e("p",{children:["Apple Health has no server Stride can ask, so your iPhone sends the data itself with the ",e("strong",{children:"Health Auto Export"})," app. Make a relay token for it here, then paste the URL and the token into the app."]}),e("form",{class:"row",onSubmit:r=>{r.preventDefault();const i=r.currentTarget,o=String(new FormData(i).get("relayName")??"").trim()||"iPhone";l.run(o).then(h=>h&&i.reset())},children:[e(E,{label:"Name for the token",name:"relayName",placeholder:"iPhone",maxLength:100,error:l.error?.byField.name}),e("button",{type:"submit",disabled:l.busy,children:l.busy?"Making…":"Make a relay token"})]}),e(b,{error:l.error}),t&&e("div",{class:"notice success new-token",role:"region","aria-label":"The new relay token",children:[e("p",{children:[e("strong",{children:["Relay token “",t.name,"” made."]})," Copy it now: it is shown only this once (Stride keeps only a fingerprint of it)."]}),e($,{label:"URL",name:"relayUrl",value:t.url}),e($,{label:"Token",name:"relayToken",value:t.token}),e($,{label:"Authorization header value",name:"relayHeader",value:`Bearer ${t.token}`}),e("h3",{children:"In Health Auto Export"}),e("ol",{class:"relay-steps",children:[e("li",{children:[e("strong",{children:"Automations → New Automation → REST API"}),"."]}),e("li",{children:[e("strong",{children:"URL"}),": ",e("code",{children:t.url})]}),e("li",{children:[e("strong",{children:"Headers"}),": add ",e("code",{children:"Authorization"})," with the value ",e("code",{children:"Bearer"})," followed by a space and the token (the “Authorization header value” above). If the app cannot set it, use the header ",e("code",{children:"X-Stride-Relay-Token"})," with the token alone."]}),e("li",{children:[e("strong",{children:"Export Format"}),": JSON. ",e("strong",{children:"Export Version"}),": 2 (1 also works)."]}),e("li",{children:[e("strong",{children:"Data Type: Health Metrics"}),", with Heart Rate Variability, Resting Heart Rate, Sleep Analysis, Weight & Body Mass, Body Fat Percentage, VO2 Max, Respiratory Rate and Step Count (others are ignored). Make a second automation with ",e("strong",{children:"Data Type: Workouts"})," (route and heart rate on) and the same URL and header."]}),e("li",{children:[e("strong",{children:"Date Range"}),": Since Last Sync. Turn on ",e("strong",{children:"Batch Requests"})," to send a long history once."]})]}),e("p",{class:"small",children:"Sending the same data twice is harmless. When the app has delivered, “Last used” below shows when."}),e("button",{type:"button",class:"secondary",onClick:()=>d(null),children:"I have copied it"})]}),e(b,{error:n.error??c.error,retry:n.error?n.reload:void 0}),!n.data&&!n.error&&e(P,{what:"relay tokens"}),n.data&&s.length===0&&e("p",{class:"muted",children:"No relay tokens yet."}),s.length>0&&e("div",{class:"table-wrap",children:e("table",{class:"relay-tokens",children:[e("caption",{children:"Your relay tokens"}),e("thead",{children:e("tr",{children:[e("th",{scope:"col",children:"Name"}),e("th",{scope:"col",children:"For"}),e("th",{scope:"col",children:"Made"}),e("th",{scope:"col",children:"Last used"}),e("th",{scope:"col",children:e("span",{class:"visually-hidden",children:"Actions"})})]})}),e("tbody",{children:s.map(r=>e("tr",{children:[e("th",{scope:"row",children:r.name}),e("td",{children:r.plugin}),e("td",{children:g(r.createdAt)}),e("td",{children:r.lastUsedAt?g(r.lastUsedAt):"never"}),e("td",{children:r.revokedAt?e("span",{class:"tag bad",children:["revoked ",g(r.revokedAt)]}):e("button",{type:"button",class:"danger secondary small",disabled:c.busy,"aria-label":`Revoke ${r.name}`,onClick:()=>{window.confirm(`Revoke the relay token “${r.name}”? The app's next delivery with it is refused.`)&&c.run(r.id)},children:"Revoke"})})]},r.id))})]})})]})}function V(n){return n<1024?`${n} B`:n<1024*1024?`${(n/1024).toFixed(1)} KB`:`${(n/1024/1024).toFixed(1)} MB`}function Q(n){const[t,d]=y([]),[l,c]=y(null),[s,r]=y(null),[i,o]=y(void 0),h=l!==null,v=t.reduce((a,p)=>a+p.size,0),u=async()=>{if(t.length){o(void 0),r(null),c({loaded:0,total:v,sent:!1});try{const a=await M(J,{athleteId:n.athleteId??null},t,c);r(a.importFiles)}catch(a){o(L(a))}finally{c(null)}}},k=l&&l.total?Math.min(100,Math.round(l.loaded/l.total*100)):null,C=s?.reduce((a,p)=>a+p.activities,0)??0,A=s?.reduce((a,p)=>a+p.duplicates,0)??0,w=s?.filter(a=>a.error||a.problems.length>0).length??0;return e("section",{class:"panel",id:"upload","aria-labelledby":"upload-h",children:[e("h2",{id:"upload-h",children:"Import files"}),e("p",{children:"FIT, GPX and TCX files (gzipped or not), and zip archives of them such as a Garmin or Strava bulk export. Importing a file again changes nothing; a workout Stride already has from another source is kept as a copy of it."}),e("form",{onSubmit:a=>{a.preventDefault(),u()},children:[e("div",{class:"field",children:[e("label",{for:"import-files",children:"Files"}),e("input",{id:"import-files",name:"files",type:"file",multiple:!0,accept:".fit,.gpx,.tcx,.gz,.zip,.FIT,.GPX,.TCX",disabled:h,onChange:a=>{d(Array.from(a.currentTarget.files??[])),r(null),o(void 0)}})]}),t.length>0&&e("p",{class:"small muted",children:[t.length===1?"1 file":`${t.length} files`,", ",V(v)]}),e("div",{class:"actions",children:e("button",{type:"submit",disabled:h||t.length===0,children:h?"Importing…":t.length>1?`Import ${t.length} files`:"Import"})})]}),l&&e("div",{class:"upload-progress",role:"status",children:[e("label",{for:"upload-bar",children:l.sent?"Uploaded; Stride is reading the files…":`Uploading… ${k??0}%`}),e("progress",{id:"upload-bar",max:100,value:l.sent?void 0:k??void 0})]}),e(b,{error:i,retry:t.length?()=>{u()}:void 0}),s&&e("div",{class:"import-results",role:"region","aria-label":"Import results",children:[e(D,{kind:w>0?"warning":"success",live:!0,children:e("p",{children:[C===1?"1 activity":`${C} activities`," imported",A?`, ${A===1?"1 was a workout":`${A} were workouts`} already stored from another source`:"",".",w>0&&` ${w===1?"1 file has":`${w} files have`} problems: see below.`]})}),e("ul",{class:"cards",children:s.map((a,p)=>e("li",{class:a.error?"failed":void 0,children:[e("h3",{class:"file-name",children:a.fileName}),a.error?e("p",{class:"field-error",children:["Could not be read: ",a.error]}):e(N,{class:"plain",items:[["Files read",a.filesRead],["Activities",a.activities],["Already stored",a.duplicates],["Refused",a.refused]]}),a.problems.length>0&&e(I,{children:[e("h4",{children:"Problems"}),e("ul",{class:"problems",children:a.problems.map((S,F)=>e("li",{children:[e("strong",{children:S.item}),": ",S.message]},F))})]})]},`${a.fileName}-${p}`))})]})]})}export{Q as ImportFiles,z as PROVIDERS,B as ProviderList,ee as default};
