import{e as v,d as A,u as m,f as E,r as y,a as e,E as i,L as R,I as g,R as k,N as C,P as b,g as l}from"./console-3qIYcZ9a.js";import{i as p}from"./format-qEaakrqp.js";import"./preload-helper-CVfkMyKi.js";const f=l(`
  query MyCoaches {
    myCoaches {
      id
      access
      createdAt
      revokedAt
      coach {
        id
        displayName
        email
      }
    }
  }
`),I=l(`
  mutation GrantCoachAccess($coachEmail: String!, $access: GrantAccess!) {
    grantCoachAccess(coachEmail: $coachEmail, access: $access) {
      id
    }
  }
`),w=l(`
  mutation RevokeCoachAccess($grantId: ID!) {
    revokeCoachAccess(grantId: $grantId) {
      id
      revokedAt
    }
  }
`),D=[["READ","Read: see sessions, mornings, plan and stats"],["READ_WRITE","Read and write: also log for you, change your plan and decide on proposals"]];function q(){const c=v(f,{}),[d,h]=A(""),s=m(async a=>{const n=E(a);await y(I,{coachEmail:n.coachEmail??"",access:n.access??"READ"}),h(n.coachEmail??""),a.reset(),c.reload()}),r=m(async a=>{await y(w,{grantId:a}),c.reload()}),u=c.data?.myCoaches.filter(a=>!a.revokedAt)??[],o=c.data?.myCoaches.filter(a=>a.revokedAt)??[],t=s.error?.byField??{};return e(b,{title:"Coaches",lead:"A coach sees your data only while your grant lasts. You can revoke it at any time.",children:[e(i,{error:c.error,retry:c.reload}),!c.data&&!c.error&&e(R,{}),c.data&&e("section",{class:"panel","aria-labelledby":"current-h",children:[e("h2",{id:"current-h",children:"Current coaches"}),u.length===0&&e("p",{children:"No coach has access."}),e("ul",{class:"cards",children:u.map(a=>e("li",{children:[e("h3",{children:a.coach.displayName}),e("p",{class:"small",children:[a.coach.email," · ",e("span",{class:"tag",children:a.access==="READ_WRITE"?"read and write":"read"})," · since ",p(a.createdAt)]}),e("button",{type:"button",class:"danger secondary small",disabled:r.busy,onClick:()=>{window.confirm(`Revoke ${a.coach.displayName}'s access?`)&&r.run(a.id)},children:"Revoke access"})]},a.id))}),e(i,{error:r.error}),o.length>0&&e("details",{children:[e("summary",{children:["Revoked (",o.length,")"]}),e("ul",{children:o.map(a=>e("li",{children:[a.coach.displayName," (",a.access==="READ_WRITE"?"read and write":"read","), revoked ",p(a.revokedAt)]},a.id))})]})]}),e("section",{class:"panel","aria-labelledby":"grant-h",children:[e("h2",{id:"grant-h",children:"Give a coach access"}),e("form",{noValidate:!0,onSubmit:a=>{a.preventDefault(),h(""),s.run(a.currentTarget)},children:[e(g,{label:"Coach’s email",name:"coachEmail",type:"email",required:!0,autocomplete:"off",error:t.coachEmail??t.email}),e(k,{legend:"Access",name:"access",options:D,defaultValue:"READ",error:t.access}),e(i,{error:s.error}),d&&e(C,{kind:"success",live:!0,children:e("p",{children:[d," now has access."]})}),e("button",{type:"submit",disabled:s.busy,children:"Give access"})]})]})]})}export{w as RevokeGrant,q as default};
