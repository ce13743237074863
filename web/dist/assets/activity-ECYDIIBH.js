import{m as P,o as D,e as F,a as e,E as w,L as T,S as u,F as f,N as C,P as L,g as v,T as O,J as N,u as $,r as S,n as I,d as V,k as M,I as j,i as R,w as _,C as q,f as J}from"./console-DF1fAd9a.js";import{a as K,C as y}from"./chart-2tbGLu_k.js";import{h as A,d as x,j as E,k as G,e as h,i as m,w as U,p as z,n as H,o as Q}from"./format-qEaakrqp.js";import"./preload-helper-CVfkMyKi.js";const B=v(`
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
      sportDetail
      device
      averagePowerWatts
      averageCadence
      energyKcal
      receivedAt
      duplicateOf
      laps {
        startSeconds
        durationSeconds
        distanceMeters
        averageHeartRate
        maxHeartRate
        averagePowerWatts
        averageCadence
      }
      copies {
        id
        source
        externalId
        name
        sportDetail
        device
        startTime
        durationSeconds
        distanceMeters
        receivedAt
      }
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
`),X=v(`
  mutation UpdateActivity($id: ID!, $input: ActivityPatchInput!) {
    updateActivity(id: $id, input: $input) {
      id
    }
  }
`),Y=v(`
  mutation MakePrimaryActivity($id: ID!) {
    makePrimaryActivity(id: $id) {
      id
      duplicateOf
    }
  }
`),Z=v(`
  mutation SeparateActivity($id: ID!) {
    separateActivity(id: $id) {
      id
      duplicateOf
    }
  }
`),ee=v(`
  mutation DeleteActivity($id: ID!) {
    deleteActivity(id: $id)
  }
`);function de(l){const i=P(),s=D(),n=F(B,{id:l.params.id,points:600}),t=n.data?.activity,r=t?t.name:"Activity";return e(L,{title:r,lead:t?`${U(t.sport)} on ${m(t.startTime)}`:void 0,children:[e("p",{children:e("a",{href:`${i.base}/activities`,children:"← All activities"})}),e(w,{error:n.error,retry:n.reload}),!t&&!n.error&&e(T,{what:"the activity"}),t&&e(u,{children:[e("section",{class:"panel","aria-labelledby":"summary-h",children:[e("h2",{id:"summary-h",children:"Summary"}),e(f,{items:[["Time",A(t.durationSeconds)],["Moving time",A(t.movingTimeSeconds)],["Distance",x(t.distanceMeters,s.units)],["Average pace",E(t.distanceMeters,t.movingTimeSeconds??t.durationSeconds,s.units)],["Ascent",G(t.elevationGainMeters,s.units)],["Average HR",t.averageHeartRate?`${h(t.averageHeartRate,0)} bpm`:"—"],["Max HR",t.maxHeartRate?`${h(t.maxHeartRate,0)} bpm`:"—"],["RPE",t.rpe??"—"],["Feeling",t.feeling?`${t.feeling}/5`:"—"],...t.averagePowerWatts!=null?[["Average power",`${h(t.averagePowerWatts,0)} W`]]:[],...t.averageCadence!=null?[["Average cadence",`${h(t.averageCadence,0)} /min`]]:[],...t.energyKcal!=null?[["Energy",`${h(t.energyKcal,0)} kcal`]]:[]]}),t.notes&&e("p",{children:t.notes})]}),t.duplicateOf&&e(C,{kind:"warning",children:e("p",{children:["This is another source’s copy of ",e("a",{href:`${i.base}/activities/${t.duplicateOf}`,children:"a workout already stored"}),": only that one counts in load, stats and the plan."]})}),t.laps.length>0&&e(ae,{laps:t.laps,units:s.units}),t.samples?e(se,{samples:t.samples,units:s.units}):e("p",{class:"panel",children:"No samples were recorded for this activity."}),e("div",{class:"grid two",children:[e("section",{class:"panel","aria-labelledby":"load-h",children:[e("h2",{id:"load-h",children:"Load and its receipts"}),e(f,{items:[["Session RPE load",h(t.rpeLoad,0)],["TRIMP",h(t.trimp)]]}),e(ie,{detail:t.loadDetail}),t.efficiency&&e(u,{children:[e("h3",{children:"Efficiency"}),e(f,{class:"plain",items:[["Efficiency factor",h(t.efficiency.efficiencyFactor,2)],["First / second half",`${h(t.efficiency.firstHalfEf,2)} / ${h(t.efficiency.secondHalfEf,2)}`],["Decoupling",`${h(t.efficiency.decouplingPct,1)}%`],["Steady enough",t.efficiency.steady?"yes":"no"]]})]})]}),e("section",{class:"panel","aria-labelledby":"source-h",children:[e("h2",{id:"source-h",children:"Source"}),e(f,{class:"plain",items:[["Source",b(t.source)],["Provider’s id",t.externalId??"—"],["Device",t.device??"—"],["Sport, as the source named it",t.sportDetail??"—"],["Received",m(t.receivedAt)],["Stored",m(t.createdAt)],["Last changed",m(t.updatedAt)],["Visible to coaches",t.private?"no (private)":"yes"]]})]})]}),(t.duplicateOf||t.copies.length>0)&&e(te,{activity:t,onChange:n.reload}),i.canWrite&&e(ne,{activity:t,onSaved:n.reload})]})]})}function b(l){return l==="manual"?"Logged by hand":l}function te(l){const i=P(),s=D(),n=l.activity,t=$(async a=>{await S(Y,{id:a}),a===n.id?l.onChange():I(`${i.base}/activities/${a}`)}),r=$(async a=>{await S(Z,{id:a}),l.onChange()}),o=t.busy||r.busy,c=[{...n,self:!0,primary:!n.duplicateOf},...n.copies.map(a=>({...a,self:!1,primary:!1}))];return e("section",{class:"panel","aria-labelledby":"copies-h",children:[e("h2",{id:"copies-h",children:"Sources of this workout"}),e("p",{class:"muted small",children:"Stride keeps every source’s copy of a workout and counts one of them (chosen by source priority unless you pick). If two copies are really different workouts, separate them and each counts on its own."}),e("div",{class:"table-wrap",children:e("table",{class:"copies",children:[e("caption",{children:n.duplicateOf?"This copy":`This workout and ${n.copies.length===1?"its copy":`its ${n.copies.length} copies`}`}),e("thead",{children:e("tr",{children:[e("th",{scope:"col",children:"Source"}),e("th",{scope:"col",children:"Received"}),e("th",{scope:"col",children:"Device"}),e("th",{scope:"col",children:"Distance"}),e("th",{scope:"col",children:"Counts"}),i.canWrite&&e("th",{scope:"col",children:"Actions"})]})}),e("tbody",{children:c.map(a=>e("tr",{class:a.self?"self":void 0,children:[e("th",{scope:"row",children:[a.self?e(u,{children:[b(a.source)," ",e("span",{class:"muted",children:"(this page)"})]}):e("a",{href:`${i.base}/activities/${a.id}`,children:b(a.source)}),a.sportDetail&&e("span",{class:"small muted",children:[" · ",a.sportDetail]})]}),e("td",{children:m(a.receivedAt)}),e("td",{children:a.device??"—"}),e("td",{children:x(a.distanceMeters,s.units)}),e("td",{children:a.primary?e("span",{class:"tag good",children:"primary"}):e("span",{class:"tag",children:"copy"})}),i.canWrite&&e("td",{children:!a.primary&&e("div",{class:"actions compact",children:[e("button",{type:"button",class:"secondary small",disabled:o,onClick:()=>{t.run(a.id)},children:"Make this the primary"}),e("button",{type:"button",class:"secondary small",disabled:o,onClick:()=>{window.confirm(`Is the ${b(a.source)} copy a different workout? It then counts on its own and is never grouped with this one again.`)&&r.run(a.id)},children:"These are different workouts"})]})})]},a.id))})]})}),e(w,{error:t.error??r.error})]})}function ae(l){const{laps:i,units:s}=l,n=t=>i.some(r=>r[t]!=null);return e("section",{class:"panel","aria-labelledby":"laps-h",children:[e("h2",{id:"laps-h",children:"Laps"}),e("div",{class:"table-wrap",children:e("table",{class:"laps",children:[e("caption",{class:"visually-hidden",children:"Laps, in order"}),e("thead",{children:e("tr",{children:[e("th",{scope:"col",class:"num",children:"Lap"}),e("th",{scope:"col",class:"num",children:"Starts at"}),e("th",{scope:"col",class:"num",children:"Time"}),n("distanceMeters")&&e(u,{children:[e("th",{scope:"col",class:"num",children:"Distance"}),e("th",{scope:"col",class:"num",children:"Pace"})]}),n("averageHeartRate")&&e("th",{scope:"col",class:"num",children:"Avg HR"}),n("maxHeartRate")&&e("th",{scope:"col",class:"num",children:"Max HR"}),n("averagePowerWatts")&&e("th",{scope:"col",class:"num",children:"Power"}),n("averageCadence")&&e("th",{scope:"col",class:"num",children:"Cadence"})]})}),e("tbody",{children:i.map((t,r)=>e("tr",{children:[e("th",{scope:"row",class:"num",children:r+1}),e("td",{class:"num",children:A(Math.round(t.startSeconds))}),e("td",{class:"num",children:A(Math.round(t.durationSeconds))}),n("distanceMeters")&&e(u,{children:[e("td",{class:"num",children:x(t.distanceMeters,s)}),e("td",{class:"num",children:E(t.distanceMeters,t.durationSeconds,s)})]}),n("averageHeartRate")&&e("td",{class:"num",children:t.averageHeartRate!=null?h(t.averageHeartRate,0):"—"}),n("maxHeartRate")&&e("td",{class:"num",children:t.maxHeartRate!=null?h(t.maxHeartRate,0):"—"}),n("averagePowerWatts")&&e("td",{class:"num",children:t.averagePowerWatts!=null?`${h(t.averagePowerWatts,0)} W`:"—"}),n("averageCadence")&&e("td",{class:"num",children:t.averageCadence!=null?h(t.averageCadence,0):"—"})]},r))})]})})]})}function ie(l){const i=l.detail;if(!i||typeof i!="object")return e("p",{class:"muted",children:"No receipts."});const s=Array.isArray(i.notes)?i.notes:[],n=Object.entries(i).filter(([t])=>t!=="notes");return e(u,{children:[e("table",{class:"receipts",children:[e("caption",{children:"How the loads were computed"}),e("tbody",{children:n.map(([t,r])=>e("tr",{children:[e("th",{scope:"row",children:t.replace(/_/g," ")}),e("td",{children:typeof r=="object"&&r!==null?Object.entries(r).map(([o,c])=>`${o} = ${String(c)}`).join(", "):String(r)})]},t))})]}),s.length>0&&e("ul",{children:s.map(t=>e("li",{children:t},t))}),e("details",{children:[e("summary",{children:"Raw receipts (JSON)"}),e(N,{value:i})]})]})}function k(l){const i=Math.floor(l/60);return i>=60?`${Math.floor(i/60)}:${String(i%60).padStart(2,"0")}`:`${i} min`}function g(l,i,s,n,t=!1){return{scales:{x:{time:!1},y:{auto:!0,dir:t?-1:1}},series:[{label:"Elapsed",value:(r,o)=>o===null?"—":k(o)},{label:l,stroke:s,width:1.75,value:(r,o)=>o===null?"—":`${n(o)} ${i}`,points:{show:!1}}],axes:[{values:(r,o)=>o.map(k)},{label:i,values:(r,o)=>o.map(n),size:60}],legend:{live:!0}}}function se(l){const{samples:i,units:s}=l,n=O(()=>{const t=i.timeSeconds,r=[],o=c=>{const a=c.filter(d=>Number.isFinite(d));return{min:Math.min(...a),max:Math.max(...a),mean:a.reduce((d,p)=>d+p,0)/(a.length||1)}};if(i.heartRate?.length){const c=o(i.heartRate);r.push({title:"Heart rate",summary:`Heart rate over the activity: mean ${c.mean.toFixed(0)} bpm, from ${c.min.toFixed(0)} to ${c.max.toFixed(0)} bpm.`,options:g("Heart rate","bpm",y.hr,a=>a.toFixed(0)),data:[t,i.heartRate]})}if(i.speedMps?.length){const c=i.speedMps.map(p=>z(p,s)),a=c.filter(p=>p!==null),d=a.reduce((p,W)=>p+W,0)/(a.length||1);r.push({title:"Pace",summary:`Pace over the activity: mean ${H(d,s)}.`,options:g("Pace",`/${s==="IMPERIAL"?"mi":"km"}`,y.pace,p=>H(p,s).split(" ")[0],!0),data:[t,c]})}if(i.powerWatts?.length){const c=o(i.powerWatts);r.push({title:"Power",summary:`Power over the activity: mean ${c.mean.toFixed(0)} W, up to ${c.max.toFixed(0)} W.`,options:g("Power","W",y.power,a=>a.toFixed(0)),data:[t,i.powerWatts]})}if(i.altitudeMeters?.length){const c=i.altitudeMeters.map(p=>Q(p,s)),a=o(c),d=s==="IMPERIAL"?"ft":"m";r.push({title:"Elevation",summary:`Elevation over the activity: from ${a.min.toFixed(0)} to ${a.max.toFixed(0)} ${d}.`,options:g("Elevation",d,y.elevation,p=>p.toFixed(0)),data:[t,c]})}return r},[i,s]);return e("section",{class:"panel","aria-labelledby":"samples-h",children:[e("h2",{id:"samples-h",children:"Recorded samples"}),e("p",{class:"muted small",children:[i.timeSeconds.length," points, thinned evenly over the whole activity."]}),e("div",{class:"grid two",children:n.map(t=>e(K,{title:t.title,summary:t.summary,options:t.options,data:t.data,height:200},t.title))})]})}function ne(l){const i=P(),s=l.activity,[n,t]=V(!1),r=$(async(a,d)=>(await S(X,{id:s.id,input:{name:a.name??s.name,rpe:M(a.rpe)??null,feeling:M(a.feeling)??null,notes:a.notes??null,...i.self?{private:d}:{}}}),t(!0),l.onSaved(),!0)),o=$(async()=>{await S(ee,{id:s.id}),I(`${i.base}/activities`)}),c=r.error?.byField??{};return e("section",{class:"panel","aria-labelledby":"edit-h",children:[e("h2",{id:"edit-h",children:"Edit"}),e("form",{noValidate:!0,onSubmit:a=>{a.preventDefault();const d=a.currentTarget;r.run(J(d),d.elements.namedItem("private")?.checked??s.private)},children:[e("div",{class:"row",children:[e(j,{label:"Title",name:"name",defaultValue:s.name,error:c.name}),e(R,{label:"Effort (RPE 1–10)",name:"rpe",defaultValue:s.rpe?String(s.rpe):"",error:c.rpe,options:[["","Not rated"],...Array.from({length:10},(a,d)=>[String(d+1),String(d+1)])]}),e(R,{label:"Feeling",name:"feeling",defaultValue:s.feeling?String(s.feeling):"",error:c.feeling,options:[["","—"],["1","1 awful"],["2","2"],["3","3"],["4","4"],["5","5 great"]]})]}),e(_,{label:"Notes",name:"notes",defaultValue:s.notes??"",error:c.notes}),i.self&&e(q,{name:"private",label:"Private: hide from coaches",defaultChecked:s.private}),e(w,{error:r.error}),n&&!r.busy&&!r.error&&e(C,{kind:"success",live:!0,children:e("p",{children:"Saved."})}),e("div",{class:"actions",children:[e("button",{type:"submit",disabled:r.busy,children:"Save changes"}),e("button",{type:"button",class:"danger secondary",disabled:o.busy,onClick:()=>{window.confirm(`Delete “${s.name}”? Its load leaves the stats.`)&&o.run()},children:"Delete activity"})]}),e(w,{error:o.error})]})]})}export{de as default};
