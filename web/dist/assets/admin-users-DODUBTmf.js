import{j as g,x as m,a as e,P as k,e as E,d as x,u as b,f as y,r as v,l as S,i as N,I as c,E as u,N as D,L as R,S as $,g as h,A as T,s as C}from"./console-3qIYcZ9a.js";import{i as A,w as I}from"./format-qEaakrqp.js";import"./preload-helper-CVfkMyKi.js";const U=h(`
  query AdminUsers {
    users {
      id
      email
      displayName
      role
      createdAt
      disabledAt
    }
  }
`),H=h(`
  query AdminInvites {
    invites {
      id
      email
      role
      createdAt
      expiresAt
      usedAt
      revokedAt
      status
    }
  }
`),M=h(`
  mutation CreateInvite($role: Role!, $email: String, $expiresInHours: Int) {
    createInvite(role: $role, email: $email, expiresInHours: $expiresInHours) {
      token
      invite {
        id
        expiresAt
      }
    }
  }
`),q=h(`
  mutation RevokeInvite($id: ID!) {
    revokeInvite(id: $id)
  }
`),O=h(`
  mutation SetUserRole($userId: ID!, $role: Role!, $reason: String) {
    setUserRole(userId: $userId, role: $role, reason: $reason) {
      id
      role
    }
  }
`),P=h(`
  mutation SetUserDisabled($userId: ID!, $disabled: Boolean!, $reason: String) {
    setUserDisabled(userId: $userId, disabled: $disabled, reason: $reason) {
      id
      disabledAt
    }
  }
`),w=[["ATHLETE","Athlete"],["COACH","Coach"],["ADMIN","Admin"],["OWNER","Owner"]];function B(){const t=g(),r=m(t,"MANAGE_ADMINS")?w:w.slice(0,2);return e(k,{title:"Users and invites",children:[m(t,"INVITE_USERS")&&e(V,{roles:r}),m(t,"MANAGE_USERS")&&e(L,{roles:r})]})}function V(t){const r=E(H,{}),[n,i]=x(null),o=b(async s=>{const a=y(s),f=await v(M,{role:a.role??"ATHLETE",email:a.email??null,expiresInHours:S(a.expiresInHours)??null});i({token:f.createInvite.token,expiresAt:f.createInvite.invite.expiresAt}),s.reset(),r.reload()}),d=b(async s=>{await v(q,{id:s}),r.reload()}),l=o.error?.byField??{},p=n?`${location.origin}/signup?invite=${encodeURIComponent(n.token)}`:"";return e($,{children:[e("section",{class:"panel","aria-labelledby":"invite-h",children:[e("h2",{id:"invite-h",children:"Invite someone"}),e("form",{noValidate:!0,onSubmit:s=>{s.preventDefault(),i(null),o.run(s.currentTarget)},children:[e("div",{class:"row",children:[e(N,{label:"Role",name:"role",defaultValue:"ATHLETE",options:t.roles,error:l.role}),e(c,{label:"Email (optional)",name:"email",type:"email",hint:"Only this address may use the invite.",error:l.email}),e(c,{label:"Valid for (hours)",name:"expiresInHours",type:"number",min:"1",inputMode:"numeric",hint:"Empty: the server’s default.",error:l.expiresInHours})]}),e(u,{error:o.error}),e("button",{type:"submit",disabled:o.busy,children:"Create invite"})]}),n&&e(D,{kind:"success",live:!0,children:[e("p",{children:["The invite is ready. Send this link; it is ",e("strong",{children:"shown only now"})," and works until ",A(n.expiresAt),"."]}),e("p",{class:"token",children:p}),e("button",{type:"button",class:"secondary small",onClick:()=>{navigator.clipboard?.writeText(p)},children:"Copy the link"})]})]}),e("section",{class:"panel","aria-labelledby":"invites-h",children:[e("h2",{id:"invites-h",children:"Invites"}),e(u,{error:r.error??d.error,retry:r.reload}),!r.data&&!r.error&&e(R,{}),r.data&&r.data.invites.length===0&&e("p",{children:"No invites yet."}),r.data&&r.data.invites.length>0&&e("div",{class:"table-wrap",children:e("table",{children:[e("thead",{children:e("tr",{children:[e("th",{scope:"col",children:"For"}),e("th",{scope:"col",children:"Role"}),e("th",{scope:"col",children:"Status"}),e("th",{scope:"col",children:"Expires"}),e("th",{scope:"col",children:e("span",{class:"visually-hidden",children:"Actions"})})]})}),e("tbody",{children:r.data.invites.map(s=>e("tr",{children:[e("td",{children:s.email??"anyone with the link"}),e("td",{children:I(s.role)}),e("td",{children:e("span",{class:`tag ${s.status==="PENDING"?"warn":s.status==="USED"?"good":""}`,children:I(s.status)})}),e("td",{children:A(s.expiresAt)}),e("td",{children:s.status==="PENDING"&&e("button",{type:"button",class:"danger secondary small",disabled:d.busy,onClick:()=>{d.run(s.id)},children:["Withdraw ",e("span",{class:"visually-hidden",children:["the invite for ",s.email??"anyone"]})]})})]},s.id))})]})})]})]})}function L(t){const r=g(),n=E(U,{});return e("section",{class:"panel","aria-labelledby":"users-h",children:[e("h2",{id:"users-h",children:"Users"}),e(u,{error:n.error,retry:n.reload}),!n.data&&!n.error&&e(R,{}),n.data&&e("ul",{class:"cards",children:n.data.users.map(i=>e(G,{user:i,roles:t.roles,self:i.id===r.id,onChange:n.reload},i.id))})]})}function G(t){const r=t.user,n=b(async(s,a)=>{await v(O,{userId:r.id,role:s,reason:a||null}),t.onChange()}),i=b(async(s,a)=>{await v(P,{userId:r.id,disabled:s,reason:a||null}),t.onChange()}),o=!t.self&&t.roles.some(([s])=>s===r.role),d=g(),l=b(async(s,a)=>{if(s.trim().length<5)throw new T("a reason is needed","BAD_INPUT",[{field:"reason",reason:"say why you need to act as this user (at least 5 characters); it is kept in the audit log"}]);await C("POST","/console/impersonation",{userId:r.id,reason:s,minutes:a}),location.assign("/")}),p=!t.self&&!r.disabledAt&&m(d,"IMPERSONATE")&&(m(d,"MANAGE_ADMINS")||r.role==="ATHLETE"||r.role==="COACH");return e("li",{children:[e("h3",{children:[r.displayName," ",r.disabledAt&&e("span",{class:"tag bad",children:"disabled"})]}),e("p",{class:"small",children:[r.email," · ",I(r.role)," · joined ",A(r.createdAt),r.disabledAt&&e($,{children:[" · disabled ",A(r.disabledAt)]})]}),o&&e("details",{children:[e("summary",{children:"Change role or access"}),e("form",{class:"row",onSubmit:s=>{s.preventDefault();const a=y(s.currentTarget);n.run(a.role??r.role,a.reason??"")},children:[e(N,{label:"Role",name:"role",defaultValue:r.role,options:t.roles}),e(c,{label:"Reason",name:"reason"}),e("button",{type:"submit",class:"secondary",disabled:n.busy,children:"Change role"})]}),e(u,{error:n.error}),e("form",{class:"row",onSubmit:s=>{s.preventDefault(),i.run(!r.disabledAt,y(s.currentTarget).reason??"")},children:[e(c,{label:"Reason",name:"reason"}),e("button",{type:"submit",class:r.disabledAt?"secondary":"danger secondary",disabled:i.busy,children:r.disabledAt?"Enable the account":"Disable the account"})]}),e(u,{error:i.error})]}),p&&e("details",{children:[e("summary",{children:["Act as ",r.displayName]}),e("p",{class:"small",children:"See exactly what they see, for a limited time. The reason is kept in the audit log, and the password and new secrets stay out of reach."}),e("form",{class:"row",noValidate:!0,onSubmit:s=>{s.preventDefault();const a=y(s.currentTarget);l.run(a.reason??"",S(a.minutes)??null)},children:[e(c,{label:"Reason",name:"reason",required:!0,error:l.error?.byField?.reason}),e(c,{label:"Minutes",name:"minutes",type:"number",min:"1",max:"60",inputMode:"numeric",defaultValue:"30",error:l.error?.byField?.minutes}),e("button",{type:"submit",class:"secondary",disabled:l.busy,children:["Act as ",r.displayName]})]}),e(u,{error:l.error})]})]})}export{B as default};
