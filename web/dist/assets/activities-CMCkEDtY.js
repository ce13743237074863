import{q as P,j as T,c as w,e as M,d as g,o as C,u as O,r as _,a as e,I as b,i as x,n as H,E as $,L as q,P as K,g as U}from"./console-3qIYcZ9a.js";import{w as y,h as F,d as V,j as W,e as A}from"./format-qEaakrqp.js";import"./preload-helper-CVfkMyKi.js";const R=U(`
  query Activities($athleteId: ID, $from: NaiveDate, $to: NaiveDate, $first: Int, $after: String) {
    activities(athleteId: $athleteId, from: $from, to: $to, first: $first, after: $after) {
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        name
        sport
        localDate
        durationSeconds
        distanceMeters
        averageHeartRate
        rpe
        rpeLoad
        trimp
        source
        hasSamples
        private
      }
    }
  }
`),G=["RUN","TRAIL_RUN","WALK","HIKE","RIDE","VIRTUAL_RIDE","MOUNTAIN_BIKE_RIDE","SWIM","ROW","NORDIC_SKI","STRENGTH","YOGA","CARDIO","PADDLE","ALPINE_SKI","CLIMB","TEAM_SPORT","OTHER"],S=25;function z(){const a=P(),p=T(),{query:d}=w(),i=d.get("from")||null,c=d.get("to")||null,r=d.get("sport")||"",s=M(R,{athleteId:a.athleteId,from:i,to:c,first:S,after:null}),[D,m]=g([]),[f,v]=g(null);C(()=>{m([]),v(null)},[s.data]);const l=O(async()=>{const t=f??s.data.activities.pageInfo,o=await _(R,{athleteId:a.athleteId,from:i,to:c,first:S,after:t.endCursor});m(n=>[...n,...o.activities.nodes]),v(o.activities.pageInfo)}),h=`${a.base}/activities`,I=[...s.data?.activities.nodes??[],...D],u=r?I.filter(t=>t.sport===r):I,L=(f??s.data?.activities.pageInfo)?.hasNextPage??!1,E=a.self?"Activities":`${a.name}: activities`;return e(K,{title:E,actions:a.canWrite&&e("a",{class:"button",href:`${a.base}/log`,children:"Log a session"}),children:[e("form",{class:"panel row",role:"search","aria-label":"Filter activities",onSubmit:t=>{t.preventDefault();const o=new URLSearchParams;new FormData(t.currentTarget).forEach((n,N)=>typeof n=="string"&&n&&o.set(N,n)),H(`${h}${o.size?`?${o}`:""}`)},children:[e(b,{label:"From",name:"from",type:"date",defaultValue:i??""},`f${i}`),e(b,{label:"To",name:"to",type:"date",defaultValue:c??""},`t${c}`),e(x,{label:"Sport",name:"sport",defaultValue:r,options:[["","Any sport"],...G.map(t=>[t,y(t)])]},`s${r}`),e("div",{class:"actions",children:[e("button",{type:"submit",children:"Filter"}),(i||c||r)&&e("a",{class:"button secondary",href:h,children:"Clear"})]})]}),r&&e("p",{class:"muted small",children:"The sport filter applies to the activities loaded so far; load more to search further back."}),e($,{error:s.error,retry:s.reload}),s.loading&&!s.data&&e(q,{what:"activities"}),s.data&&u.length===0&&e("p",{children:["No activities ",i||c||r?"match these filters":"yet","."]}),u.length>0&&e("div",{class:"table-wrap",children:e("table",{children:[e("caption",{class:"visually-hidden",children:"Activities, newest first"}),e("thead",{children:e("tr",{children:[e("th",{scope:"col",children:"Day"}),e("th",{scope:"col",children:"Activity"}),e("th",{scope:"col",class:"num",children:"Time"}),e("th",{scope:"col",class:"num",children:"Distance"}),e("th",{scope:"col",class:"num",children:"Pace"}),e("th",{scope:"col",class:"num",children:"Avg HR"}),e("th",{scope:"col",class:"num",children:"RPE"}),e("th",{scope:"col",class:"num",children:"Load"})]})}),e("tbody",{children:u.map(t=>e("tr",{children:[e("td",{children:t.localDate}),e("td",{children:[e("a",{href:`${h}/${t.id}`,children:t.name}),e("br",{}),e("span",{class:"muted small",children:[y(t.sport)," · ",t.source,t.private?" · private":"",t.hasSamples?" · samples":""]})]}),e("td",{class:"num",children:F(t.durationSeconds)}),e("td",{class:"num",children:V(t.distanceMeters,p.units)}),e("td",{class:"num",children:W(t.distanceMeters,t.durationSeconds,p.units)}),e("td",{class:"num",children:A(t.averageHeartRate,0)}),e("td",{class:"num",children:t.rpe??"—"}),e("td",{class:"num",children:A(t.rpeLoad??t.trimp,0)})]},t.id))})]})}),e($,{error:l.error}),L&&e("button",{type:"button",class:"secondary",onClick:()=>{l.run()},disabled:l.busy,children:l.busy?"Loading…":"Load more"})]})}export{G as SPORTS,z as default};
