import{e as p,h as b,d as c,u as y,r as S,a as e,E as h,L as k,R as D,C as u,N as g,P as A,j as E,S as $,g as w,i as m}from"./console-3qIYcZ9a.js";import{A as N,U as T,d as C}from"./account-BiRM-9kO.js";import{l as q,D as f,i as P}from"./format-qEaakrqp.js";import"./preload-helper-CVfkMyKi.js";const R=w(`
  query DigestSettings {
    digestSettings {
      email
      weekday
      hour
      emailConfigured
    }
    digestEmails {
      weekStart
      state
      detail
      sentAt
    }
  }
`),U=w(`
  mutation UpdateDigestSettings($email: Boolean, $weekday: Int, $hour: Int) {
    updateDigestSettings(email: $email, weekday: $weekday, hour: $hour) {
      email
      weekday
      hour
      emailConfigured
    }
  }
`),W=[["1","Monday"],["2","Tuesday"],["3","Wednesday"],["4","Thursday"],["5","Friday"],["6","Saturday"],["7","Sunday"]],F=Array.from({length:24},(a,s)=>[String(s),`${String(s).padStart(2,"0")}:00`]),I={queued:"queued",sent:"sent",skipped:"not sent",failed:"failed"},H={sent:"good",skipped:"",queued:"",failed:"bad"};function M(){const a=p(N,{}),s=b(),[l,o]=c(!1),i=y(async t=>{const n=new FormData(t);await S(T,{input:{units:String(n.get("units")),notifyProposals:n.has("notifyProposals"),notifyRiskAlerts:n.has("notifyRiskAlerts")}}),o(!0),await s.refresh(),a.reload()}),r=a.data?.me.profile.notifications;return e(A,{title:"Settings",children:[e(h,{error:a.error,retry:a.reload}),!a.data&&!a.error&&e(k,{}),a.data&&r&&e("form",{class:"panel",onSubmit:t=>{t.preventDefault(),o(!1),i.run(t.currentTarget)},children:[e(D,{legend:"Units",name:"units",options:C,defaultValue:a.data.me.units}),e("fieldset",{children:[e("legend",{children:"Notifications"}),e(u,{name:"notifyProposals",label:"Plan-change proposals",defaultChecked:r.proposals}),e(u,{name:"notifyRiskAlerts",label:"Load and injury-risk alerts",defaultChecked:r.riskAlerts})]}),e(h,{error:i.error}),l&&e(g,{kind:"success",live:!0,children:e("p",{children:"Saved."})}),e("button",{type:"submit",disabled:i.busy,children:"Save settings"})]}),e(_,{})]})}function O(a){const{settings:s}=a,[l,o]=c(String(s.weekday)),[i,r]=c(String(s.hour)),t=y(async d=>{const v=await S(U,{email:new FormData(d).has("digestEmail"),weekday:Number(l),hour:Number(i)});a.onSaved(v.updateDigestSettings)}),n=t.error?.byField??{};return e("form",{onSubmit:d=>{d.preventDefault(),a.onSaving(),t.run(d.currentTarget)},children:[!s.emailConfigured&&e(g,{kind:"info",children:e("p",{children:"This server does not send email; the digest is in the app. The email setting is kept for when an administrator sets up a mail server."})}),e(u,{name:"digestEmail",label:"Email me the weekly digest",defaultChecked:s.email,hint:"Each email has a link that turns this off."}),e("div",{class:"row",children:[e(m,{label:"Arrives on",name:"digestWeekday",value:l,onChange:d=>o(d.currentTarget.value),options:W,error:n.weekday}),e(m,{label:"At",name:"digestHour",value:i,onChange:d=>r(d.currentTarget.value),options:F,hint:`Your time (${a.timeZone})`,error:n.hour})]}),e(h,{error:t.error}),a.saved&&!t.busy&&!t.error&&e(g,{kind:"success",live:!0,children:e("p",{children:"Digest settings saved."})}),e("button",{type:"submit",disabled:t.busy,children:"Save digest settings"})]})}function _(){const a=E(),s=p(R,{}),[l,o]=c(!1),i=s.data?.digestSettings,r=s.data?.digestEmails??[];return e("section",{class:"panel",id:"digest","aria-labelledby":"digest-h",children:[e("h2",{id:"digest-h",children:"Weekly digest"}),e("p",{children:["Every week Stride sums up the week before: sessions against the plan, load and form, alerts, plan changes waiting for a decision and the newest insight. It is always in the app, on the ",e("a",{href:"/digest",children:"Digest page"}),"; it can also be emailed."]}),e(h,{error:s.error,retry:s.reload}),!s.data&&!s.error&&e(k,{what:"digest settings"}),i&&e(O,{settings:i,timeZone:a.timeZone,saved:l,onSaving:()=>o(!1),onSaved:t=>{s.setData(n=>n&&{...n,digestSettings:t}),o(!0)}},`${i.email}-${i.weekday}-${i.hour}`),s.data&&e($,{children:[e("h3",{children:"Recent digest emails"}),r.length===0?e("p",{class:"muted",children:"No digest email yet."}):e("div",{class:"table-wrap",children:e("table",{class:"digest-emails",children:[e("caption",{class:"visually-hidden",children:"Digest emails, newest week first"}),e("thead",{children:e("tr",{children:[e("th",{scope:"col",children:"Week of"}),e("th",{scope:"col",children:"State"}),e("th",{scope:"col",children:"Sent"}),e("th",{scope:"col",children:"Detail"})]})}),e("tbody",{children:r.map(t=>e("tr",{children:[e("th",{scope:"row",children:e("a",{href:`/digest?week=${t.weekStart}`,children:q(t.weekStart)})}),e("td",{children:e("span",{class:`tag ${H[t.state]??""}`,children:I[t.state]??t.state})}),e("td",{children:t.sentAt?P(t.sentAt):f}),e("td",{children:t.detail??f})]},t.weekStart))})]})})]})]})}export{M as default};
