import{A as v,a as e,P as W,d as m,E as b,N as L,F as M,S as B,e as q,L as C,u as R,r as w,I as H,m as O,o as E,g as f}from"./console-3qIYcZ9a.js";import{i as y}from"./format-qEaakrqp.js";import{u as K}from"./ws-DjnkJ-fv.js";import"./preload-helper-CVfkMyKi.js";function U(r,t,d,o,c="files"){const s=new FormData;return s.append("operations",JSON.stringify({query:r.toString(),variables:{...t,[c]:d.map(()=>null)}})),s.append("map",JSON.stringify(Object.fromEntries(d.map((n,l)=>[String(l),[`variables.${c}.${l}`]])))),d.forEach((n,l)=>s.append(String(l),n,n.name)),new Promise((n,l)=>{const a=new XMLHttpRequest;a.open("POST","/graphql"),a.withCredentials=!0,a.setRequestHeader("x-stride-console","1"),a.upload.addEventListener("progress",p=>o({loaded:p.loaded,total:p.lengthComputable?p.total:null,sent:!1})),a.upload.addEventListener("load",()=>o({loaded:1,total:1,sent:!0})),a.addEventListener("error",()=>l(new v("network error","NETWORK"))),a.addEventListener("abort",()=>l(new v("the upload was cancelled","UNKNOWN"))),a.addEventListener("load",()=>{if(a.status===401){l(new v("You are not logged in.","UNAUTHENTICATED"));return}if(a.status===413){l(new v("The files are larger than this server accepts at once. Upload fewer at a time.","BAD_INPUT"));return}if(a.status===429){const u=Number(a.getResponseHeader("retry-after"));l(new v("too many requests","RATE_LIMITED",[],Number.isFinite(u)&&u>0?u:void 0));return}let p;try{p=JSON.parse(a.responseText)}catch{l(new v(`the server answered ${a.status} ${a.statusText}`,a.status>=500?"INTERNAL":"UNKNOWN"));return}const h=p.errors?.[0];if(h){const u=p.errors.flatMap(k=>k.extensions?.fields??[]);l(new v(h.message,h.extensions?.code??"UNKNOWN",u));return}n(p.data)}),a.send(s)})}const X=f(`
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
`),G=f(`
  mutation ConnectProvider($provider: String!) {
    connectProvider(provider: $provider) {
      authorizeUrl
      expiresAt
    }
  }
`),J=f(`
  mutation DisconnectProvider($provider: String!) {
    disconnectProvider(provider: $provider)
  }
`),_=[["strava","Strava"],["garmin","Garmin"]];function Y(r){const t=q(X,{}),d=()=>{t.reload(),r.onChange?.()};return e(B,{children:[e(b,{error:t.error,retry:t.reload}),!t.data&&!t.error&&e(C,{what:"connections"}),t.data&&e("ul",{class:"cards",children:_.map(([o,c])=>e(V,{id:o,name:c,connection:t.data.connections.find(s=>s.provider===o),reload:d},o))})]})}function pe(){return e(W,{title:"Connections",lead:"Connect a device account and Stride imports your history, then follows new sessions as they arrive.",children:[e(Y,{}),e(te,{}),e(se,{})]})}function V(r){const t=r.connection,[d,o]=m(null),c=R(async()=>{const l=await w(G,{provider:r.id});o({url:l.connectProvider.authorizeUrl,expiresAt:l.connectProvider.expiresAt})}),s=R(async()=>{await w(J,{provider:r.id}),r.reload()}),n=t&&t.status==="active";return e("li",{children:[e("h2",{class:"h3",children:r.name}),t?e(M,{class:"plain",items:[["Status",t.status],["Connected",y(t.connectedAt)],["Account",t.externalAthleteId],["Permissions",t.scopes.join(", ")||"—"],["History import",t.backfill?`${t.backfill.status}: ${t.backfill.activitiesDone} activities, ${t.backfill.pagesDone} pages`:"—"],...t.backfill?.deferredUntil?[["Resumes",y(t.backfill.deferredUntil)]]:[]]}):e("p",{children:"Not connected."}),t?.backfill?.note&&e("p",{class:"small muted",children:t.backfill.note}),e(b,{error:c.error??s.error}),d&&e("div",{class:"notice",children:[e("p",{children:e("a",{href:d.url,target:"_blank",rel:"noopener noreferrer",children:["Continue at ",r.name," to allow Stride (opens a new tab)"]})}),e("p",{class:"small",children:["The link works once, until ",y(d.expiresAt),". Come back here afterwards and refresh."]})]}),e("div",{class:"actions",children:[!n&&e("button",{type:"button",onClick:()=>{c.run()},disabled:c.busy,children:c.busy?"Preparing…":`Connect ${r.name}`}),t&&e("button",{type:"button",class:"secondary",onClick:r.reload,children:"Refresh status"}),n&&e("button",{type:"button",class:"danger secondary",disabled:s.busy,onClick:()=>{window.confirm(`Disconnect ${r.name}? Stride stops importing and erases its tokens; imported sessions stay.`)&&s.run()},children:"Disconnect"})]})]})}const Q=f(`
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
`),Z=f(`
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
`),j=f(`
  mutation RevokeRelayToken($id: ID!) {
    revokeRelayToken(id: $id)
  }
`),ee=f(`
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
`);function D(r){const[t,d]=m(null);return e("div",{class:"copy-field",children:[e(H,{label:r.label,name:r.name,value:r.value,readOnly:!0,class:"mono",onFocus:o=>o.currentTarget.select()}),e("button",{type:"button",class:"secondary","aria-label":`Copy ${r.label.toLowerCase()}`,onClick:()=>{navigator.clipboard?.writeText(r.value).then(()=>d("yes"),()=>d("no"))??d("no")},children:"Copy"}),e("span",{class:"small muted",role:"status",children:t==="yes"?"Copied.":t==="no"?"Select the text and copy it yourself.":""})]})}function te(){const r=q(Q,{}),[t,d]=m(null),o=R(async n=>{const a=(await w(Z,{plugin:"apple-health",name:n})).createRelayToken;return d({token:a.token,url:a.relayToken.url,name:a.relayToken.name}),r.reload(),!0}),c=R(async n=>{await w(j,{id:n}),r.reload()}),s=r.data?.relayTokens??[];return e("section",{class:"panel",id:"relay","aria-labelledby":"relay-h",children:[e("h2",{id:"relay-h",children:"iPhone (Apple Health) relay"}),e("p",{children:["Apple Health has no server Stride can ask, so your iPhone sends the data itself with the ",e("strong",{children:"Health Auto Export"})," app. Make a relay token for it here, then paste the URL and the token into the app."]}),e("form",{class:"row",onSubmit:n=>{n.preventDefault();const l=n.currentTarget,a=String(new FormData(l).get("relayName")??"").trim()||"iPhone";o.run(a).then(p=>p&&l.reset())},children:[e(H,{label:"Name for the token",name:"relayName",placeholder:"iPhone",maxLength:100,error:o.error?.byField.name}),e("button",{type:"submit",disabled:o.busy,children:o.busy?"Making…":"Make a relay token"})]}),e(b,{error:o.error}),t&&e("div",{class:"notice success new-token",role:"region","aria-label":"The new relay token",children:[e("p",{children:[e("strong",{children:["Relay token “",t.name,"” made."]})," Copy it now: it is shown only this once (Stride keeps only a fingerprint of it)."]}),e(D,{label:"URL",name:"relayUrl",value:t.url}),e(D,{label:"Token",name:"relayToken",value:t.token}),e(D,{label:"Authorization header value",name:"relayHeader",value:`Bearer ${t.token}`}),e("h3",{children:"In Health Auto Export"}),e("ol",{class:"relay-steps",children:[e("li",{children:[e("strong",{children:"Automations → New Automation → REST API"}),"."]}),e("li",{children:[e("strong",{children:"URL"}),": ",e("code",{children:t.url})]}),e("li",{children:[e("strong",{children:"Headers"}),": add ",e("code",{children:"Authorization"})," with the value ",e("code",{children:"Bearer"})," followed by a space and the token (the “Authorization header value” above). If the app cannot set it, use the header ",e("code",{children:"X-Stride-Relay-Token"})," with the token alone."]}),e("li",{children:[e("strong",{children:"Export Format"}),": JSON. ",e("strong",{children:"Export Version"}),": 2 (1 also works)."]}),e("li",{children:[e("strong",{children:"Data Type: Health Metrics"}),", with Heart Rate Variability, Resting Heart Rate, Sleep Analysis, Weight & Body Mass, Body Fat Percentage, VO2 Max, Respiratory Rate and Step Count (others are ignored). Make a second automation with ",e("strong",{children:"Data Type: Workouts"})," (route and heart rate on) and the same URL and header."]}),e("li",{children:[e("strong",{children:"Date Range"}),": Since Last Sync. Turn on ",e("strong",{children:"Batch Requests"})," to send a long history once."]})]}),e("p",{class:"small",children:"Sending the same data twice is harmless. When the app has delivered, “Last used” below shows when."}),e("button",{type:"button",class:"secondary",onClick:()=>d(null),children:"I have copied it"})]}),e(b,{error:r.error??c.error,retry:r.error?r.reload:void 0}),!r.data&&!r.error&&e(C,{what:"relay tokens"}),r.data&&s.length===0&&e("p",{class:"muted",children:"No relay tokens yet."}),s.length>0&&e("div",{class:"table-wrap",children:e("table",{class:"relay-tokens",children:[e("caption",{children:"Your relay tokens"}),e("thead",{children:e("tr",{children:[e("th",{scope:"col",children:"Name"}),e("th",{scope:"col",children:"For"}),e("th",{scope:"col",children:"Made"}),e("th",{scope:"col",children:"Last used"}),e("th",{scope:"col",children:e("span",{class:"visually-hidden",children:"Actions"})})]})}),e("tbody",{children:s.map(n=>e("tr",{children:[e("th",{scope:"row",children:n.name}),e("td",{children:n.plugin}),e("td",{children:y(n.createdAt)}),e("td",{children:n.lastUsedAt?y(n.lastUsedAt):"never"}),e("td",{children:n.revokedAt?e("span",{class:"tag bad",children:["revoked ",y(n.revokedAt)]}):e("button",{type:"button",class:"danger secondary small",disabled:c.busy,"aria-label":`Revoke ${n.name}`,onClick:()=>{window.confirm(`Revoke the relay token “${n.name}”? The app's next delivery with it is refused.`)&&c.run(n.id)},children:"Revoke"})})]},n.id))})]})})]})}const re=f(`
  mutation StartFileImport($files: [Upload!]!, $athleteId: ID) {
    startFileImport(files: $files, athleteId: $athleteId) {
      id
    }
  }
`),ne=f(`
  query FileImport($id: ID!, $athleteId: ID) {
    fileImport(id: $id, athleteId: $athleteId) {
      id
      status
      files {
        name
        size
      }
      filesDone
      filesRead
      activities
      duplicates
      refused
      problems {
        item
        message
      }
      finishedAt
    }
  }
`),ae=f(`
  subscription FileImportProgress {
    backfillProgress(provider: "files") {
      status
      pagesDone
      activitiesDone
      note
    }
  }
`),ie=16*1024*1024;function oe(r){const[t,d]=m(null),[o,c]=m(null),[s,n]=m(void 0),l=!r.athleteId,a=async()=>{try{const h=await w(ne,{id:r.id,athleteId:r.athleteId??null});d(h.fileImport??null)}catch(h){n(O(h))}},p=t?.status==="done"||t?.status==="failed";if(E(()=>{a()},[r.id,r.athleteId]),E(()=>{if(l||p)return;const h=setInterval(()=>{a()},2e3);return()=>clearInterval(h)},[r.id,r.athleteId,l,p]),K(ae,{},h=>{const u=h.backfillProgress;c({pagesDone:u.pagesDone,activitiesDone:u.activitiesDone,note:u.note}),(u.status==="done"||u.status==="failed")&&a()},l&&!p),s)return e(b,{error:s,retry:()=>{a()}});if(!t)return e(C,{});if(!p){const h=Math.max(o?.pagesDone??0,t.filesRead),u=Math.max(o?.activitiesDone??0,t.activities);return e("div",{class:"upload-progress",role:"status","aria-label":"Background import",children:[e("p",{children:["Importing in the background: ",u===1?"1 activity":`${u} activities`," from ",h===1?"1 file":`${h} files`," so far. You can leave this page; the import goes on."]}),o?.note&&e("p",{class:"small muted",children:o.note}),e("progress",{"aria-label":"Import progress"})]})}return e("div",{class:"import-results",role:"region","aria-label":"Import results",children:[e(L,{kind:t.status==="failed"||t.problems.length>0?"warning":"success",live:!0,children:e("p",{children:[t.activities===1?"1 activity":`${t.activities} activities`," imported from ",t.filesRead===1?"1 file":`${t.filesRead} files`,t.duplicates?`, ${t.duplicates===1?"1 was a workout":`${t.duplicates} were workouts`} already stored from another source`:"",".",t.problems.length>0&&` ${t.problems.length===1?"1 problem":`${t.problems.length} problems`}: see below.`]})}),t.problems.length>0&&e("ul",{class:"problems",children:t.problems.map((h,u)=>e("li",{children:[e("strong",{children:h.item}),": ",h.message]},u))})]})}function le(r){return r<1024?`${r} B`:r<1024*1024?`${(r/1024).toFixed(1)} KB`:`${(r/1024/1024).toFixed(1)} MB`}function se(r){const[t,d]=m([]),[o,c]=m(null),[s,n]=m(null),[l,a]=m(void 0),[p,h]=m(null),[u,k]=m(null),I=o!==null,T=t.reduce((i,g)=>i+g.size,0),A=p??T>ie,N=async()=>{if(t.length){a(void 0),n(null),k(null),c({loaded:0,total:T,sent:!1});try{if(A){const i=await U(re,{athleteId:r.athleteId??null},t,c);k(i.startFileImport.id)}else{const i=await U(ee,{athleteId:r.athleteId??null},t,c);n(i.importFiles)}}catch(i){a(O(i))}finally{c(null)}}},x=o&&o.total?Math.min(100,Math.round(o.loaded/o.total*100)):null,F=s?.reduce((i,g)=>i+g.activities,0)??0,S=s?.reduce((i,g)=>i+g.duplicates,0)??0,$=s?.filter(i=>i.error||i.problems.length>0).length??0;return e("section",{class:"panel",id:"upload","aria-labelledby":"upload-h",children:[e("h2",{id:"upload-h",children:"Import files"}),e("p",{children:"FIT, GPX and TCX files (gzipped or not), and zip archives of them such as a Garmin or Strava bulk export. Importing a file again changes nothing; a workout Stride already has from another source is kept as a copy of it."}),e("form",{onSubmit:i=>{i.preventDefault(),N()},children:[e("div",{class:"field",children:[e("label",{for:"import-files",children:"Files"}),e("input",{id:"import-files",name:"files",type:"file",multiple:!0,accept:".fit,.gpx,.tcx,.gz,.zip,.FIT,.GPX,.TCX",disabled:I,onChange:i=>{d(Array.from(i.currentTarget.files??[])),n(null),k(null),a(void 0)}})]}),t.length>0&&e("p",{class:"small muted",children:[t.length===1?"1 file":`${t.length} files`,", ",le(T)]}),e("div",{class:"check",children:[e("input",{id:"import-background",type:"checkbox",checked:A,disabled:I,onChange:i=>h(i.currentTarget.checked)}),e("label",{for:"import-background",children:"Import in the background (for exports of years: follow it here, or leave and come back)"})]}),e("div",{class:"actions",children:e("button",{type:"submit",disabled:I||t.length===0,children:I?"Importing…":t.length>1?`Import ${t.length} files`:"Import"})})]}),o&&e("div",{class:"upload-progress",role:"status",children:[e("label",{for:"upload-bar",children:o.sent?A?"Uploaded; Stride is storing the files…":"Uploaded; Stride is reading the files…":`Uploading… ${x??0}%`}),e("progress",{id:"upload-bar",max:100,value:o.sent?void 0:x??void 0})]}),e(b,{error:l,retry:t.length?()=>{N()}:void 0}),u&&e(oe,{id:u,athleteId:r.athleteId}),s&&e("div",{class:"import-results",role:"region","aria-label":"Import results",children:[e(L,{kind:$>0?"warning":"success",live:!0,children:e("p",{children:[F===1?"1 activity":`${F} activities`," imported",S?`, ${S===1?"1 was a workout":`${S} were workouts`} already stored from another source`:"",".",$>0&&` ${$===1?"1 file has":`${$} files have`} problems: see below.`]})}),e("ul",{class:"cards",children:s.map((i,g)=>e("li",{class:i.error?"failed":void 0,children:[e("h3",{class:"file-name",children:i.fileName}),i.error?e("p",{class:"field-error",children:["Could not be read: ",i.error]}):e(M,{class:"plain",items:[["Files read",i.filesRead],["Activities",i.activities],["Already stored",i.duplicates],["Refused",i.refused]]}),i.problems.length>0&&e(B,{children:[e("h4",{children:"Problems"}),e("ul",{class:"problems",children:i.problems.map((P,z)=>e("li",{children:[e("strong",{children:P.item}),": ",P.message]},z))})]})]},`${i.fileName}-${g}`))})]})]})}export{se as ImportFiles,_ as PROVIDERS,Y as ProviderList,pe as default};
