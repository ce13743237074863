import{o as E,x as p,a as e,P as R,e as $,d as x,u,f as y,r as h,k as C,i as f,I as m,E as c,N as D,L as w,S as k,g as d}from"./console-v2JhNp8K.js";import{i as b,w as I}from"./format-qEaakrqp.js";import"./preload-helper-CVfkMyKi.js";const N=d(`
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
`),U=d(`
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
`),T=d(`
  mutation CreateInvite($role: Role!, $email: String, $expiresInHours: Int) {
    createInvite(role: $role, email: $email, expiresInHours: $expiresInHours) {
      token
      invite {
        id
        expiresAt
      }
    }
  }
`),H=d(`
  mutation RevokeInvite($id: ID!) {
    revokeInvite(id: $id)
  }
`),q=d(`
  mutation SetUserRole($userId: ID!, $role: Role!, $reason: String) {
    setUserRole(userId: $userId, role: $role, reason: $reason) {
      id
      role
    }
  }
`),L=d(`
  mutation SetUserDisabled($userId: ID!, $disabled: Boolean!, $reason: String) {
    setUserDisabled(userId: $userId, disabled: $disabled, reason: $reason) {
      id
      disabledAt
    }
  }
`),S=[["ATHLETE","Athlete"],["COACH","Coach"],["ADMIN","Admin"],["OWNER","Owner"]];function F(){const a=E(),r=p(a,"MANAGE_ADMINS")?S:S.slice(0,2);return e(R,{title:"Users and invites",children:[p(a,"INVITE_USERS")&&e(M,{roles:r}),p(a,"MANAGE_USERS")&&e(V,{roles:r})]})}function M(a){const r=$(U,{}),[n,i]=x(null),o=u(async s=>{const v=y(s),g=await h(T,{role:v.role??"ATHLETE",email:v.email??null,expiresInHours:C(v.expiresInHours)??null});i({token:g.createInvite.token,expiresAt:g.createInvite.invite.expiresAt}),s.reset(),r.reload()}),t=u(async s=>{await h(H,{id:s}),r.reload()}),l=o.error?.byField??{},A=n?`${location.origin}/signup?invite=${encodeURIComponent(n.token)}`:"";return e(k,{children:[e("section",{class:"panel","aria-labelledby":"invite-h",children:[e("h2",{id:"invite-h",children:"Invite someone"}),e("form",{noValidate:!0,onSubmit:s=>{s.preventDefault(),i(null),o.run(s.currentTarget)},children:[e("div",{class:"row",children:[e(f,{label:"Role",name:"role",defaultValue:"ATHLETE",options:a.roles,error:l.role}),e(m,{label:"Email (optional)",name:"email",type:"email",hint:"Only this address may use the invite.",error:l.email}),e(m,{label:"Valid for (hours)",name:"expiresInHours",type:"number",min:"1",inputMode:"numeric",hint:"Empty: the server’s default.",error:l.expiresInHours})]}),e(c,{error:o.error}),e("button",{type:"submit",disabled:o.busy,children:"Create invite"})]}),n&&e(D,{kind:"success",live:!0,children:[e("p",{children:["The invite is ready. Send this link; it is ",e("strong",{children:"shown only now"})," and works until ",b(n.expiresAt),"."]}),e("p",{class:"token",children:A}),e("button",{type:"button",class:"secondary small",onClick:()=>{navigator.clipboard?.writeText(A)},children:"Copy the link"})]})]}),e("section",{class:"panel","aria-labelledby":"invites-h",children:[e("h2",{id:"invites-h",children:"Invites"}),e(c,{error:r.error??t.error,retry:r.reload}),!r.data&&!r.error&&e(w,{}),r.data&&r.data.invites.length===0&&e("p",{children:"No invites yet."}),r.data&&r.data.invites.length>0&&e("div",{class:"table-wrap",children:e("table",{children:[e("thead",{children:e("tr",{children:[e("th",{scope:"col",children:"For"}),e("th",{scope:"col",children:"Role"}),e("th",{scope:"col",children:"Status"}),e("th",{scope:"col",children:"Expires"}),e("th",{scope:"col",children:e("span",{class:"visually-hidden",children:"Actions"})})]})}),e("tbody",{children:r.data.invites.map(s=>e("tr",{children:[e("td",{children:s.email??"anyone with the link"}),e("td",{children:I(s.role)}),e("td",{children:e("span",{class:`tag ${s.status==="PENDING"?"warn":s.status==="USED"?"good":""}`,children:I(s.status)})}),e("td",{children:b(s.expiresAt)}),e("td",{children:s.status==="PENDING"&&e("button",{type:"button",class:"danger secondary small",disabled:t.busy,onClick:()=>{t.run(s.id)},children:["Withdraw ",e("span",{class:"visually-hidden",children:["the invite for ",s.email??"anyone"]})]})})]},s.id))})]})})]})]})}function V(a){const r=E(),n=$(N,{});return e("section",{class:"panel","aria-labelledby":"users-h",children:[e("h2",{id:"users-h",children:"Users"}),e(c,{error:n.error,retry:n.reload}),!n.data&&!n.error&&e(w,{}),n.data&&e("ul",{class:"cards",children:n.data.users.map(i=>e(O,{user:i,roles:a.roles,self:i.id===r.id,onChange:n.reload},i.id))})]})}function O(a){const r=a.user,n=u(async(t,l)=>{await h(q,{userId:r.id,role:t,reason:l||null}),a.onChange()}),i=u(async(t,l)=>{await h(L,{userId:r.id,disabled:t,reason:l||null}),a.onChange()}),o=!a.self&&a.roles.some(([t])=>t===r.role);return e("li",{children:[e("h3",{children:[r.displayName," ",r.disabledAt&&e("span",{class:"tag bad",children:"disabled"})]}),e("p",{class:"small",children:[r.email," · ",I(r.role)," · joined ",b(r.createdAt),r.disabledAt&&e(k,{children:[" · disabled ",b(r.disabledAt)]})]}),o&&e("details",{children:[e("summary",{children:"Change role or access"}),e("form",{class:"row",onSubmit:t=>{t.preventDefault();const l=y(t.currentTarget);n.run(l.role??r.role,l.reason??"")},children:[e(f,{label:"Role",name:"role",defaultValue:r.role,options:a.roles}),e(m,{label:"Reason",name:"reason"}),e("button",{type:"submit",class:"secondary",disabled:n.busy,children:"Change role"})]}),e(c,{error:n.error}),e("form",{class:"row",onSubmit:t=>{t.preventDefault(),i.run(!r.disabledAt,y(t.currentTarget).reason??"")},children:[e(m,{label:"Reason",name:"reason"}),e("button",{type:"submit",class:r.disabledAt?"secondary":"danger secondary",disabled:i.busy,children:r.disabledAt?"Enable the account":"Disable the account"})]}),e(c,{error:i.error})]})]})}export{F as default};
