import{j as D,c as S,T as N,e as W,a as e,E as b,L as v,S as m,P as E,g as L,F as f}from"./console-3qIYcZ9a.js";import{b as P,c as h,r as p,l as y,d as C,e as c,i as I}from"./format-qEaakrqp.js";import"./preload-helper-CVfkMyKi.js";const T=L(`
  query WeeklyDigest($weekOf: NaiveDate) {
    weeklyDigest(weekOf: $weekOf) {
      recipientName
      weekStart
      weekEnd
      forCoach
      athletes {
        athleteId
        athleteName
        sessionsDone
        sessionsPlanned
        plannedCompleted
        minutesDone
        distanceKm
        alerts
        load {
          weekLoad
          previousWeekLoad
          chronicStart
          chronicEnd
          acuteEnd
          tsbStart
          tsbEnd
          acwrEnd
        }
        pendingProposals {
          summary
          source
          createdAt
        }
        newestInsight
      }
    }
  }
`);function $(s){const i=new Date(`${s}T00:00:00Z`).getUTCDay();return h(s,-((i+6)%7))}function u(s){const i=Math.round(s);return i>0?`+${i}`:i<0?`−${-i}`:"0"}function A(s){const i=Math.round(s),n=Math.floor(i/60);return n>0?`${n} h ${String(i%60).padStart(2,"0")} min`:`${i} min`}function x(){const s=D(),i=S(),n=N(()=>P(s.timeZone),[s.timeZone]),o=$(n),l=i.query.get("week"),t=l&&/^\d{4}-\d{2}-\d{2}$/.test(l)?$(l):null,r=W(T,{weekOf:t}),a=r.data?.weeklyDigest,d=a?.weekStart??t??h(o,-7),k=h(d,-7),w=h(d,7);return e(E,{title:"Weekly digest",lead:"The week in one place: sessions done against the plan, load and form, alerts, plan changes waiting for a decision and the newest insight.",children:[e("nav",{class:"row week-nav","aria-label":"Weeks",children:[e("a",{class:"button secondary small",href:`/digest?week=${k}`,children:["← Week of ",p(k)]}),w<=o&&e("a",{class:"button secondary small",href:`/digest?week=${w}`,children:["Week of ",p(w)," →"]}),t&&e("a",{class:"button secondary small",href:"/digest",children:"Last complete week"})]}),e("p",{class:"muted small",children:[e("a",{href:"/settings#digest",children:"Digest settings"}),": when it arrives and whether it is emailed."]}),e(b,{error:r.error,retry:r.reload}),r.loading&&!a&&e(v,{what:"the digest"}),a&&e(m,{children:[e("h2",{class:"week-title","aria-live":"polite",children:[y(a.weekStart)," to ",y(a.weekEnd),a.weekStart===o&&e("span",{class:"tag warn",children:"this week, so far"})]}),a.athletes.length===0?e("p",{class:"panel",children:a.forCoach?"No athlete has given you access, and you logged no training this week.":"Nothing to report for this week."}):a.athletes.map(g=>e(F,{week:g,own:g.athleteId===s.id,forCoach:a.forCoach},g.athleteId))]})]})}function F(s){const i=D(),n=s.week,o=s.own?"":`/athletes/${n.athleteId}`,l=`week-${n.athleteId}`,t=n.load,r=t&&t.previousWeekLoad>0?(t.weekLoad-t.previousWeekLoad)/t.previousWeekLoad*100:null;return e("section",{class:"panel athlete-week","aria-labelledby":l,children:[e("h2",{id:l,class:"h3",children:s.own?s.forCoach?"Your own week":"Your week":e("a",{href:o,children:n.athleteName})}),e("h3",{children:"Sessions"}),n.sessionsDone===0&&n.sessionsPlanned===0?e("p",{children:"No sessions logged this week, and none were planned."}):e(f,{items:[["Sessions done",String(n.sessionsDone)],["Planned sessions completed",n.sessionsPlanned===0?"none planned":`${n.plannedCompleted} of ${n.sessionsPlanned}`],["Time",A(n.minutesDone)],["Distance",C(n.distanceKm*1e3,i.units)]]}),e("h3",{children:"Load and form"}),t?e(f,{items:[["Week load",c(t.weekLoad,0)],["The week before",`${c(t.previousWeekLoad,0)}${r===null?"":` (${u(r)}% since)`}`],["Fitness (chronic)",`${c(t.chronicStart)} → ${c(t.chronicEnd)}`],["Fatigue (acute) at the end",c(t.acuteEnd)],["Form (TSB)",`${u(t.tsbStart)} → ${u(t.tsbEnd)}`],["ACWR at the end",t.acwrEnd===null?"not yet (too little history)":c(t.acwrEnd,2)]]}):e("p",{children:"No load history yet."}),e("h3",{children:"Alerts"}),n.alerts.length===0?e("p",{children:"No alerts this week."}):e("ul",{class:"alerts",children:n.alerts.map((a,d)=>e("li",{children:a},d))}),e("h3",{children:"Plan changes waiting"}),n.pendingProposals.length===0?e("p",{children:"No plan change is waiting for a decision."}):e(m,{children:[e("ul",{class:"plain-list",children:n.pendingProposals.map((a,d)=>e("li",{children:[a.summary," ",e("span",{class:"small muted",children:["· from ",a.source,", ",I(a.createdAt)]})]},d))}),e("p",{children:[s.own?"They wait for your confirmation: ":`They wait for ${n.athleteName}’s confirmation: `,e("a",{href:`${o}/proposals`,children:[s.own?"review them":"see them"," on the Proposals page"]}),"."]})]}),e("h3",{children:"Newest insight"}),n.newestInsight?e(m,{children:[e("p",{class:"insight",children:n.newestInsight}),e("p",{class:"small muted",children:["An association in ",s.own?"your":`${n.athleteName}’s`," own history, not a cause. ",e("a",{href:`${o}/insights`,children:"All insights and their receipts"}),"."]})]}):e("p",{children:["Nothing found yet. ",e("a",{href:`${o}/insights`,children:"See what is being tested"}),"."]})]})}export{x as default};
