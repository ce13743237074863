import{l as R,m as F,e as H,a as t,E as y,L as I,S as g,F as u,P as D,g as b,T as L,J as T,d as k,u as S,r as $,k as x,n as N,I as C,i as w,q as V,C as W,N as j,f as O}from"./console-C9s8VvNp.js";import{a as _,C as h}from"./chart-CDkcxLXa.js";import{h as A,d as q,j as J,k as G,e as m,i as v,w as U,p as z,n as M,o as Q}from"./format-B2pNWweT.js";import"./preload-helper-CVfkMyKi.js";const B=b(`
  query ActivityDetail($id: ID!, $points: Int) {
    activity(id: $id) {
      id
      athleteId
      source
      externalId
      sport
      name
      startTime
      localDate
      durationSeconds
      movingTimeSeconds
      distanceMeters
      elevationGainMeters
      averageHeartRate
      maxHeartRate
      rpe
      feeling
      notes
      private
      rpeLoad
      trimp
      loadDetail
      hasSamples
      createdAt
      updatedAt
      samples(maxPoints: $points) {
        timeSeconds
        heartRate
        speedMps
        altitudeMeters
        powerWatts
        cadence
      }
      efficiency {
        efficiencyFactor
        firstHalfEf
        secondHalfEf
        decouplingPct
        meanSpeedMPerMin
        meanHr
        steady
        speedSource
      }
    }
  }
`),K=b(`
  mutation UpdateActivity($id: ID!, $input: ActivityPatchInput!) {
    updateActivity(id: $id, input: $input) {
      id
    }
  }
`),X=b(`
  mutation DeleteActivity($id: ID!) {
    deleteActivity(id: $id)
  }
`);function se(p){const a=R(),i=F(),c=H(B,{id:p.params.id,points:600}),e=c.data?.activity,n=e?e.name:"Activity";return t(D,{title:n,lead:e?`${U(e.sport)} on ${v(e.startTime)}`:void 0,children:[t("p",{children:t("a",{href:`${a.base}/activities`,children:"← All activities"})}),t(y,{error:c.error,retry:c.reload}),!e&&!c.error&&t(I,{what:"the activity"}),e&&t(g,{children:[t("section",{class:"panel","aria-labelledby":"summary-h",children:[t("h2",{id:"summary-h",children:"Summary"}),t(u,{items:[["Time",A(e.durationSeconds)],["Moving time",A(e.movingTimeSeconds)],["Distance",q(e.distanceMeters,i.units)],["Average pace",J(e.distanceMeters,e.movingTimeSeconds??e.durationSeconds,i.units)],["Ascent",G(e.elevationGainMeters,i.units)],["Average HR",e.averageHeartRate?`${m(e.averageHeartRate,0)} bpm`:"—"],["Max HR",e.maxHeartRate?`${m(e.maxHeartRate,0)} bpm`:"—"],["RPE",e.rpe??"—"],["Feeling",e.feeling?`${e.feeling}/5`:"—"]]}),e.notes&&t("p",{children:e.notes})]}),e.samples?t(Z,{samples:e.samples,units:i.units}):t("p",{class:"panel",children:"No samples were recorded for this activity."}),t("div",{class:"grid two",children:[t("section",{class:"panel","aria-labelledby":"load-h",children:[t("h2",{id:"load-h",children:"Load and its receipts"}),t(u,{items:[["Session RPE load",m(e.rpeLoad,0)],["TRIMP",m(e.trimp)]]}),t(Y,{detail:e.loadDetail}),e.efficiency&&t(g,{children:[t("h3",{children:"Efficiency"}),t(u,{class:"plain",items:[["Efficiency factor",m(e.efficiency.efficiencyFactor,2)],["First / second half",`${m(e.efficiency.firstHalfEf,2)} / ${m(e.efficiency.secondHalfEf,2)}`],["Decoupling",`${m(e.efficiency.decouplingPct,1)}%`],["Steady enough",e.efficiency.steady?"yes":"no"]]})]})]}),t("section",{class:"panel","aria-labelledby":"source-h",children:[t("h2",{id:"source-h",children:"Source"}),t(u,{class:"plain",items:[["Source",e.source==="manual"?"Logged by hand":e.source],["Provider’s id",e.externalId??"—"],["Stored",v(e.createdAt)],["Last changed",v(e.updatedAt)],["Visible to coaches",e.private?"no (private)":"yes"]]})]})]}),a.canWrite&&t(ee,{activity:e,onSaved:c.reload})]})]})}function Y(p){const a=p.detail;if(!a||typeof a!="object")return t("p",{class:"muted",children:"No receipts."});const i=Array.isArray(a.notes)?a.notes:[],c=Object.entries(a).filter(([e])=>e!=="notes");return t(g,{children:[t("table",{class:"receipts",children:[t("caption",{children:"How the loads were computed"}),t("tbody",{children:c.map(([e,n])=>t("tr",{children:[t("th",{scope:"row",children:e.replace(/_/g," ")}),t("td",{children:typeof n=="object"&&n!==null?Object.entries(n).map(([o,r])=>`${o} = ${String(r)}`).join(", "):String(n)})]},e))})]}),i.length>0&&t("ul",{children:i.map(e=>t("li",{children:e},e))}),t("details",{children:[t("summary",{children:"Raw receipts (JSON)"}),t(T,{value:a})]})]})}function P(p){const a=Math.floor(p/60);return a>=60?`${Math.floor(a/60)}:${String(a%60).padStart(2,"0")}`:`${a} min`}function f(p,a,i,c,e=!1){return{scales:{x:{time:!1},y:{auto:!0,dir:e?-1:1}},series:[{label:"Elapsed",value:(n,o)=>o===null?"—":P(o)},{label:p,stroke:i,width:1.75,value:(n,o)=>o===null?"—":`${c(o)} ${a}`,points:{show:!1}}],axes:[{values:(n,o)=>o.map(P)},{label:a,values:(n,o)=>o.map(c),size:60}],legend:{live:!0}}}function Z(p){const{samples:a,units:i}=p,c=L(()=>{const e=a.timeSeconds,n=[],o=r=>{const s=r.filter(l=>Number.isFinite(l));return{min:Math.min(...s),max:Math.max(...s),mean:s.reduce((l,d)=>l+d,0)/(s.length||1)}};if(a.heartRate?.length){const r=o(a.heartRate);n.push({title:"Heart rate",summary:`Heart rate over the activity: mean ${r.mean.toFixed(0)} bpm, from ${r.min.toFixed(0)} to ${r.max.toFixed(0)} bpm.`,options:f("Heart rate","bpm",h.hr,s=>s.toFixed(0)),data:[e,a.heartRate]})}if(a.speedMps?.length){const r=a.speedMps.map(d=>z(d,i)),s=r.filter(d=>d!==null),l=s.reduce((d,E)=>d+E,0)/(s.length||1);n.push({title:"Pace",summary:`Pace over the activity: mean ${M(l,i)}.`,options:f("Pace",`/${i==="IMPERIAL"?"mi":"km"}`,h.pace,d=>M(d,i).split(" ")[0],!0),data:[e,r]})}if(a.powerWatts?.length){const r=o(a.powerWatts);n.push({title:"Power",summary:`Power over the activity: mean ${r.mean.toFixed(0)} W, up to ${r.max.toFixed(0)} W.`,options:f("Power","W",h.power,s=>s.toFixed(0)),data:[e,a.powerWatts]})}if(a.altitudeMeters?.length){const r=a.altitudeMeters.map(d=>Q(d,i)),s=o(r),l=i==="IMPERIAL"?"ft":"m";n.push({title:"Elevation",summary:`Elevation over the activity: from ${s.min.toFixed(0)} to ${s.max.toFixed(0)} ${l}.`,options:f("Elevation",l,h.elevation,d=>d.toFixed(0)),data:[e,r]})}return n},[a,i]);return t("section",{class:"panel","aria-labelledby":"samples-h",children:[t("h2",{id:"samples-h",children:"Recorded samples"}),t("p",{class:"muted small",children:[a.timeSeconds.length," points, thinned evenly over the whole activity."]}),t("div",{class:"grid two",children:c.map(e=>t(_,{title:e.title,summary:e.summary,options:e.options,data:e.data,height:200},e.title))})]})}function ee(p){const a=R(),i=p.activity,[c,e]=k(!1),n=S(async(s,l)=>(await $(K,{id:i.id,input:{name:s.name??i.name,rpe:x(s.rpe)??null,feeling:x(s.feeling)??null,notes:s.notes??null,...a.self?{private:l}:{}}}),e(!0),p.onSaved(),!0)),o=S(async()=>{await $(X,{id:i.id}),N(`${a.base}/activities`)}),r=n.error?.byField??{};return t("section",{class:"panel","aria-labelledby":"edit-h",children:[t("h2",{id:"edit-h",children:"Edit"}),t("form",{noValidate:!0,onSubmit:s=>{s.preventDefault();const l=s.currentTarget;n.run(O(l),l.elements.namedItem("private")?.checked??i.private)},children:[t("div",{class:"row",children:[t(C,{label:"Title",name:"name",defaultValue:i.name,error:r.name}),t(w,{label:"Effort (RPE 1–10)",name:"rpe",defaultValue:i.rpe?String(i.rpe):"",error:r.rpe,options:[["","Not rated"],...Array.from({length:10},(s,l)=>[String(l+1),String(l+1)])]}),t(w,{label:"Feeling",name:"feeling",defaultValue:i.feeling?String(i.feeling):"",error:r.feeling,options:[["","—"],["1","1 awful"],["2","2"],["3","3"],["4","4"],["5","5 great"]]})]}),t(V,{label:"Notes",name:"notes",defaultValue:i.notes??"",error:r.notes}),a.self&&t(W,{name:"private",label:"Private: hide from coaches",defaultChecked:i.private}),t(y,{error:n.error}),c&&!n.busy&&!n.error&&t(j,{kind:"success",live:!0,children:t("p",{children:"Saved."})}),t("div",{class:"actions",children:[t("button",{type:"submit",disabled:n.busy,children:"Save changes"}),t("button",{type:"button",class:"danger secondary",disabled:o.busy,onClick:()=>{window.confirm(`Delete “${i.name}”? Its load leaves the stats.`)&&o.run()},children:"Delete activity"})]}),t(y,{error:o.error})]})]})}export{se as default};
