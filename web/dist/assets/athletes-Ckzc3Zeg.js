import{e as h,a as e,E as o,L as c,P as m,g,S as d,v as p}from"./console-3qIYcZ9a.js";import{s as u,l as y,w as i}from"./format-qEaakrqp.js";import"./preload-helper-CVfkMyKi.js";const f=g(`
  query CoachAthletes {
    myAthletes {
      id
      access
      createdAt
      revokedAt
      athlete {
        id
        displayName
        email
      }
    }
  }
`),A=g(`
  query AthleteGlance($athleteId: ID!) {
    home(athleteId: $athleteId) {
      date
      readiness {
        light
        confidence
        signals {
          signal
          light
        }
      }
      alerts {
        kind
        date
        value
      }
      workouts {
        id
        kind
        state
      }
    }
    proposals(athleteId: $athleteId, state: PENDING) {
      id
    }
  }
`);function E(){const t=h(f,{}),l=t.data?.myAthletes.filter(a=>!a.revokedAt)??[];return e(m,{title:"Athletes",lead:"Everyone who gave you access, with today’s light and alerts at a glance.",children:[e(o,{error:t.error,retry:t.reload}),!t.data&&!t.error&&e(c,{what:"athletes"}),t.data&&l.length===0&&e("p",{children:"No athlete has given you access yet. Athletes add you by your email on their Coaches page."}),l.length>0&&e("ul",{class:"cards athletes",children:l.map(a=>e($,{id:a.athlete.id,name:a.athlete.displayName,email:a.athlete.email,access:a.access},a.id))})]})}function $(t){const l=h(A,{athleteId:t.id}),a=l.data?.home,r=`/athletes/${t.id}`,n=a?.readiness.signals.filter(s=>s.light!=="GREEN")??[];return e("li",{children:[e("h2",{class:"h3",children:e("a",{href:r,children:t.name})}),e("p",{class:"small muted",children:[t.email," · ",e("span",{class:`access ${t.access==="READ_WRITE"?"rw":"ro"}`,children:t.access==="READ_WRITE"?"read-write":"read-only"})]}),e(o,{error:l.error}),!l.data&&!l.error&&e(c,{}),a&&l.data&&e(d,{children:[e("p",{children:[e(p,{light:a.readiness.light})," ",e("span",{class:"small muted",children:["confidence ",Math.round(a.readiness.confidence*100),"%"]}),n.length>0&&e("span",{class:"small",children:[" · ",n.map(s=>`${u(s.signal)} ${s.light.toLowerCase()}`).join(", ")]})]}),e("p",{class:"small",children:["Today (",y(a.date),"): ",a.workouts.length?a.workouts.map(s=>`${i(s.kind)} (${i(s.state).toLowerCase()})`).join(", "):"nothing planned"]}),e("p",{class:"small",children:[a.alerts.length===0?"No load alerts this week.":e("span",{class:"tag bad",children:[a.alerts.length," alert",a.alerts.length>1?"s":"",": ",a.alerts.map(s=>s.kind==="ACWR_HIGH"?"ACWR":"monotony").join(", ")]}),l.data.proposals.length>0&&e(d,{children:[" ","· ",e("a",{href:`${r}/proposals`,children:[l.data.proposals.length," pending proposal",l.data.proposals.length>1?"s":""]})]})]})]}),e("p",{class:"small",children:[e("a",{href:`${r}/performance`,children:"Performance"})," · ",e("a",{href:`${r}/plan`,children:"Plan"})," · ",e("a",{href:`${r}/rules`,children:"Rules"})]})]})}export{E as default};
