import{q as P,j as H,e as V,a as e,E as v,L as N,S as p,F as g,N as x,P as B,g as f,T as j,J as _,u as b,r as w,n as W,d as E,k as $,I as y,w as G,f as L,l as I,i as C,C as q}from"./console-3qIYcZ9a.js";import{a as J,C as S}from"./chart-ylM9psWn.js";import{h as D,d as R,j as T,k as K,e as h,i as m,w as U,p as z,n as k,o as Q}from"./format-qEaakrqp.js";import"./preload-helper-CVfkMyKi.js";const X=f(`
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
      fuel {
        activityId
        carbsBeforeGrams
        carbsDuringGrams
        caffeineMg
        fluidMl
        notes
        updatedAt
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
`),Y=f(`
  mutation UpdateActivity($id: ID!, $input: ActivityPatchInput!) {
    updateActivity(id: $id, input: $input) {
      id
    }
  }
`),Z=f(`
  mutation MakePrimaryActivity($id: ID!) {
    makePrimaryActivity(id: $id) {
      id
      duplicateOf
    }
  }
`),ee=f(`
  mutation SeparateActivity($id: ID!) {
    separateActivity(id: $id) {
      id
      duplicateOf
    }
  }
`),te=f(`
  mutation LogSessionFuel($activityId: ID!, $input: SessionFuelInput!) {
    logSessionFuel(activityId: $activityId, input: $input) {
      activityId
      carbsBeforeGrams
      carbsDuringGrams
      caffeineMg
      fluidMl
      notes
      updatedAt
    }
  }
`),ae=f(`
  mutation DeleteActivity($id: ID!) {
    deleteActivity(id: $id)
  }
`);function pe(d){const n=P(),r=H(),a=V(X,{id:d.params.id,points:600}),t=a.data?.activity,s=t?t.name:"Activity";return e(B,{title:s,lead:t?`${U(t.sport)} on ${m(t.startTime)}`:void 0,children:[e("p",{children:e("a",{href:`${n.base}/activities`,children:"← All activities"})}),e(v,{error:a.error,retry:a.reload}),!t&&!a.error&&e(N,{what:"the activity"}),t&&e(p,{children:[e("section",{class:"panel","aria-labelledby":"summary-h",children:[e("h2",{id:"summary-h",children:"Summary"}),e(g,{items:[["Time",D(t.durationSeconds)],["Moving time",D(t.movingTimeSeconds)],["Distance",R(t.distanceMeters,r.units)],["Average pace",T(t.distanceMeters,t.movingTimeSeconds??t.durationSeconds,r.units)],["Ascent",K(t.elevationGainMeters,r.units)],["Average HR",t.averageHeartRate?`${h(t.averageHeartRate,0)} bpm`:"—"],["Max HR",t.maxHeartRate?`${h(t.maxHeartRate,0)} bpm`:"—"],["RPE",t.rpe??"—"],["Feeling",t.feeling?`${t.feeling}/5`:"—"],...t.averagePowerWatts!=null?[["Average power",`${h(t.averagePowerWatts,0)} W`]]:[],...t.averageCadence!=null?[["Average cadence",`${h(t.averageCadence,0)} /min`]]:[],...t.energyKcal!=null?[["Energy",`${h(t.energyKcal,0)} kcal`]]:[]]}),t.notes&&e("p",{children:t.notes})]}),t.duplicateOf&&e(x,{kind:"warning",children:e("p",{children:["This is another source’s copy of ",e("a",{href:`${n.base}/activities/${t.duplicateOf}`,children:"a workout already stored"}),": only that one counts in load, stats and the plan."]})}),t.laps.length>0&&e(ne,{laps:t.laps,units:r.units}),t.samples?e(se,{samples:t.samples,units:r.units}):e("p",{class:"panel",children:"No samples were recorded for this activity."}),e("div",{class:"grid two",children:[e("section",{class:"panel","aria-labelledby":"load-h",children:[e("h2",{id:"load-h",children:"Load and its receipts"}),e(g,{items:[["Session RPE load",h(t.rpeLoad,0)],["TRIMP",h(t.trimp)]]}),e(re,{detail:t.loadDetail}),t.efficiency&&e(p,{children:[e("h3",{children:"Efficiency"}),e(g,{class:"plain",items:[["Efficiency factor",h(t.efficiency.efficiencyFactor,2)],["First / second half",`${h(t.efficiency.firstHalfEf,2)} / ${h(t.efficiency.secondHalfEf,2)}`],["Decoupling",`${h(t.efficiency.decouplingPct,1)}%`],["Steady enough",t.efficiency.steady?"yes":"no"]]})]})]}),e("section",{class:"panel","aria-labelledby":"source-h",children:[e("h2",{id:"source-h",children:"Source"}),e(g,{class:"plain",items:[["Source",A(t.source)],["Provider’s id",t.externalId??"—"],["Device",t.device??"—"],["Sport, as the source named it",t.sportDetail??"—"],["Received",m(t.receivedAt)],["Stored",m(t.createdAt)],["Last changed",m(t.updatedAt)],["Visible to coaches",t.private?"no (private)":"yes"]]})]})]}),(t.duplicateOf||t.copies.length>0)&&e(ie,{activity:t,onChange:a.reload}),e(le,{activity:t,onSaved:a.reload}),n.canWrite&&e(ce,{activity:t,onSaved:a.reload})]})]})}function A(d){return d==="manual"?"Logged by hand":d}function ie(d){const n=P(),r=H(),a=d.activity,t=b(async i=>{await w(Z,{id:i}),i===a.id?d.onChange():W(`${n.base}/activities/${i}`)}),s=b(async i=>{await w(ee,{id:i}),d.onChange()}),l=t.busy||s.busy,c=[{...a,self:!0,primary:!a.duplicateOf},...a.copies.map(i=>({...i,self:!1,primary:!1}))];return e("section",{class:"panel","aria-labelledby":"copies-h",children:[e("h2",{id:"copies-h",children:"Sources of this workout"}),e("p",{class:"muted small",children:"Stride keeps every source’s copy of a workout and counts one of them (chosen by source priority unless you pick). If two copies are really different workouts, separate them and each counts on its own."}),e("div",{class:"table-wrap",children:e("table",{class:"copies",children:[e("caption",{children:a.duplicateOf?"This copy":`This workout and ${a.copies.length===1?"its copy":`its ${a.copies.length} copies`}`}),e("thead",{children:e("tr",{children:[e("th",{scope:"col",children:"Source"}),e("th",{scope:"col",children:"Received"}),e("th",{scope:"col",children:"Device"}),e("th",{scope:"col",children:"Distance"}),e("th",{scope:"col",children:"Counts"}),n.canWrite&&e("th",{scope:"col",children:"Actions"})]})}),e("tbody",{children:c.map(i=>e("tr",{class:i.self?"self":void 0,children:[e("th",{scope:"row",children:[i.self?e(p,{children:[A(i.source)," ",e("span",{class:"muted",children:"(this page)"})]}):e("a",{href:`${n.base}/activities/${i.id}`,children:A(i.source)}),i.sportDetail&&e("span",{class:"small muted",children:[" · ",i.sportDetail]})]}),e("td",{children:m(i.receivedAt)}),e("td",{children:i.device??"—"}),e("td",{children:R(i.distanceMeters,r.units)}),e("td",{children:i.primary?e("span",{class:"tag good",children:"primary"}):e("span",{class:"tag",children:"copy"})}),n.canWrite&&e("td",{children:!i.primary&&e("div",{class:"actions compact",children:[e("button",{type:"button",class:"secondary small",disabled:l,onClick:()=>{t.run(i.id)},children:"Make this the primary"}),e("button",{type:"button",class:"secondary small",disabled:l,onClick:()=>{window.confirm(`Is the ${A(i.source)} copy a different workout? It then counts on its own and is never grouped with this one again.`)&&s.run(i.id)},children:"These are different workouts"})]})})]},i.id))})]})}),e(v,{error:t.error??s.error})]})}function ne(d){const{laps:n,units:r}=d,a=t=>n.some(s=>s[t]!=null);return e("section",{class:"panel","aria-labelledby":"laps-h",children:[e("h2",{id:"laps-h",children:"Laps"}),e("div",{class:"table-wrap",children:e("table",{class:"laps",children:[e("caption",{class:"visually-hidden",children:"Laps, in order"}),e("thead",{children:e("tr",{children:[e("th",{scope:"col",class:"num",children:"Lap"}),e("th",{scope:"col",class:"num",children:"Starts at"}),e("th",{scope:"col",class:"num",children:"Time"}),a("distanceMeters")&&e(p,{children:[e("th",{scope:"col",class:"num",children:"Distance"}),e("th",{scope:"col",class:"num",children:"Pace"})]}),a("averageHeartRate")&&e("th",{scope:"col",class:"num",children:"Avg HR"}),a("maxHeartRate")&&e("th",{scope:"col",class:"num",children:"Max HR"}),a("averagePowerWatts")&&e("th",{scope:"col",class:"num",children:"Power"}),a("averageCadence")&&e("th",{scope:"col",class:"num",children:"Cadence"})]})}),e("tbody",{children:n.map((t,s)=>e("tr",{children:[e("th",{scope:"row",class:"num",children:s+1}),e("td",{class:"num",children:D(Math.round(t.startSeconds))}),e("td",{class:"num",children:D(Math.round(t.durationSeconds))}),a("distanceMeters")&&e(p,{children:[e("td",{class:"num",children:R(t.distanceMeters,r)}),e("td",{class:"num",children:T(t.distanceMeters,t.durationSeconds,r)})]}),a("averageHeartRate")&&e("td",{class:"num",children:t.averageHeartRate!=null?h(t.averageHeartRate,0):"—"}),a("maxHeartRate")&&e("td",{class:"num",children:t.maxHeartRate!=null?h(t.maxHeartRate,0):"—"}),a("averagePowerWatts")&&e("td",{class:"num",children:t.averagePowerWatts!=null?`${h(t.averagePowerWatts,0)} W`:"—"}),a("averageCadence")&&e("td",{class:"num",children:t.averageCadence!=null?h(t.averageCadence,0):"—"})]},s))})]})})]})}function re(d){const n=d.detail;if(!n||typeof n!="object")return e("p",{class:"muted",children:"No receipts."});const r=Array.isArray(n.notes)?n.notes:[],a=Object.entries(n).filter(([t])=>t!=="notes");return e(p,{children:[e("table",{class:"receipts",children:[e("caption",{children:"How the loads were computed"}),e("tbody",{children:a.map(([t,s])=>e("tr",{children:[e("th",{scope:"row",children:t.replace(/_/g," ")}),e("td",{children:typeof s=="object"&&s!==null?Object.entries(s).map(([l,c])=>`${l} = ${String(c)}`).join(", "):String(s)})]},t))})]}),r.length>0&&e("ul",{children:r.map(t=>e("li",{children:t},t))}),e("details",{children:[e("summary",{children:"Raw receipts (JSON)"}),e(_,{value:n})]})]})}function F(d){const n=Math.floor(d/60);return n>=60?`${Math.floor(n/60)}:${String(n%60).padStart(2,"0")}`:`${n} min`}function M(d,n,r,a,t=!1){return{scales:{x:{time:!1},y:{auto:!0,dir:t?-1:1}},series:[{label:"Elapsed",value:(s,l)=>l===null?"—":F(l)},{label:d,stroke:r,width:1.75,value:(s,l)=>l===null?"—":`${a(l)} ${n}`,points:{show:!1}}],axes:[{values:(s,l)=>l.map(F)},{label:n,values:(s,l)=>l.map(a),size:60}],legend:{live:!0}}}function se(d){const{samples:n,units:r}=d,a=j(()=>{const t=n.timeSeconds,s=[],l=c=>{const i=c.filter(u=>Number.isFinite(u));return{min:Math.min(...i),max:Math.max(...i),mean:i.reduce((u,o)=>u+o,0)/(i.length||1)}};if(n.heartRate?.length){const c=l(n.heartRate);s.push({title:"Heart rate",summary:`Heart rate over the activity: mean ${c.mean.toFixed(0)} bpm, from ${c.min.toFixed(0)} to ${c.max.toFixed(0)} bpm.`,options:M("Heart rate","bpm",S.hr,i=>i.toFixed(0)),data:[t,n.heartRate]})}if(n.speedMps?.length){const c=n.speedMps.map(o=>z(o,r)),i=c.filter(o=>o!==null),u=i.reduce((o,O)=>o+O,0)/(i.length||1);s.push({title:"Pace",summary:`Pace over the activity: mean ${k(u,r)}.`,options:M("Pace",`/${r==="IMPERIAL"?"mi":"km"}`,S.pace,o=>k(o,r).split(" ")[0],!0),data:[t,c]})}if(n.powerWatts?.length){const c=l(n.powerWatts);s.push({title:"Power",summary:`Power over the activity: mean ${c.mean.toFixed(0)} W, up to ${c.max.toFixed(0)} W.`,options:M("Power","W",S.power,i=>i.toFixed(0)),data:[t,n.powerWatts]})}if(n.altitudeMeters?.length){const c=n.altitudeMeters.map(o=>Q(o,r)),i=l(c),u=r==="IMPERIAL"?"ft":"m";s.push({title:"Elevation",summary:`Elevation over the activity: from ${i.min.toFixed(0)} to ${i.max.toFixed(0)} ${u}.`,options:M("Elevation",u,S.elevation,o=>o.toFixed(0)),data:[t,c]})}return s},[n,r]);return e("section",{class:"panel","aria-labelledby":"samples-h",children:[e("h2",{id:"samples-h",children:"Recorded samples"}),e("p",{class:"muted small",children:[n.timeSeconds.length," points, thinned evenly over the whole activity."]}),e("div",{class:"grid two",children:a.map(t=>e(J,{title:t.title,summary:t.summary,options:t.options,data:t.data,height:200},t.title))})]})}function le(d){const n=P(),r=d.activity,a=r.fuel,[t,s]=E(!1),l=b(async o=>{await w(te,{activityId:r.id,input:{carbsBeforeGrams:$(o.carbsBeforeGrams)??null,carbsDuringGrams:$(o.carbsDuringGrams)??null,caffeineMg:$(o.caffeineMg)??null,fluidMl:$(o.fluidMl)??null,notes:o.fuelNotes??null}}),s(!0),d.onSaved()});if(!a&&!n.canWrite)return null;const c=l.error?.byField??{},i=a?[["Carbohydrate before",a.carbsBeforeGrams!=null?`${h(a.carbsBeforeGrams,0)} g`:null],["Carbohydrate during",a.carbsDuringGrams!=null?`${h(a.carbsDuringGrams,0)} g`:null],["Caffeine before",a.caffeineMg!=null?`${h(a.caffeineMg,0)} mg`:null],["Fluid during",a.fluidMl!=null?`${h(a.fluidMl,0)} ml`:null]].filter(o=>o[1]!==null):[],u=o=>o!=null?String(o):"";return e("section",{class:"panel","aria-labelledby":"fuel-h",children:[e("h2",{id:"fuel-h",children:"Optional: fuelling"}),a?e(p,{children:[i.length>0&&e(g,{class:"plain",items:i}),a.notes&&e("p",{children:a.notes}),e("p",{class:"small muted",children:["Logged ",m(a.updatedAt),"."]})]}):e("p",{class:"muted",children:["Only if you want to: what you ate and drank around this session (carbohydrate in the hours before and in total during it, caffeine before, fluid during). Logged often enough, ",e("a",{href:`${n.base}/insights`,children:"Insights"})," can test it against how your sessions went."]}),n.canWrite&&e("details",{children:[e("summary",{children:a?"Change the fuelling log":"Log fuelling (optional)"}),e("form",{noValidate:!0,onSubmit:o=>{o.preventDefault(),s(!1),l.run(L(o.currentTarget))},children:[e("div",{class:"row",children:[e(y,{label:"Carbohydrate before (g)",name:"carbsBeforeGrams",type:"number",min:"0",step:"1",inputMode:"numeric",defaultValue:u(a?.carbsBeforeGrams),error:c.carbsBeforeGrams}),e(y,{label:"Carbohydrate during (g)",name:"carbsDuringGrams",type:"number",min:"0",step:"1",inputMode:"numeric",defaultValue:u(a?.carbsDuringGrams),error:c.carbsDuringGrams}),e(y,{label:"Caffeine before (mg)",name:"caffeineMg",type:"number",min:"0",step:"1",inputMode:"numeric",defaultValue:u(a?.caffeineMg),error:c.caffeineMg}),e(y,{label:"Fluid during (ml)",name:"fluidMl",type:"number",min:"0",step:"50",inputMode:"numeric",defaultValue:u(a?.fluidMl),error:c.fluidMl})]}),e(G,{label:"Fuelling notes",name:"fuelNotes",defaultValue:a?.notes??"",error:c.notes}),e(v,{error:l.error}),t&&!l.busy&&!l.error&&e(x,{kind:"success",live:!0,children:e("p",{children:"Fuelling saved."})}),e("button",{type:"submit",disabled:l.busy,children:l.busy?"Saving…":"Save fuelling"})]},a?.updatedAt??"none")]})]})}function ce(d){const n=P(),r=d.activity,[a,t]=E(!1),s=b(async(i,u)=>(await w(Y,{id:r.id,input:{name:i.name??r.name,rpe:I(i.rpe)??null,feeling:I(i.feeling)??null,notes:i.notes??null,...n.self?{private:u}:{}}}),t(!0),d.onSaved(),!0)),l=b(async()=>{await w(ae,{id:r.id}),W(`${n.base}/activities`)}),c=s.error?.byField??{};return e("section",{class:"panel","aria-labelledby":"edit-h",children:[e("h2",{id:"edit-h",children:"Edit"}),e("form",{noValidate:!0,onSubmit:i=>{i.preventDefault();const u=i.currentTarget;s.run(L(u),u.elements.namedItem("private")?.checked??r.private)},children:[e("div",{class:"row",children:[e(y,{label:"Title",name:"name",defaultValue:r.name,error:c.name}),e(C,{label:"Effort (RPE 1–10)",name:"rpe",defaultValue:r.rpe?String(r.rpe):"",error:c.rpe,options:[["","Not rated"],...Array.from({length:10},(i,u)=>[String(u+1),String(u+1)])]}),e(C,{label:"Feeling",name:"feeling",defaultValue:r.feeling?String(r.feeling):"",error:c.feeling,options:[["","—"],["1","1 awful"],["2","2"],["3","3"],["4","4"],["5","5 great"]]})]}),e(G,{label:"Notes",name:"notes",defaultValue:r.notes??"",error:c.notes}),n.self&&e(q,{name:"private",label:"Private: hide from coaches",defaultChecked:r.private}),e(v,{error:s.error}),a&&!s.busy&&!s.error&&e(x,{kind:"success",live:!0,children:e("p",{children:"Saved."})}),e("div",{class:"actions",children:[e("button",{type:"submit",disabled:s.busy,children:"Save changes"}),e("button",{type:"button",class:"danger secondary",disabled:l.busy,onClick:()=>{window.confirm(`Delete “${r.name}”? Its load leaves the stats.`)&&l.run()},children:"Delete activity"})]}),e(v,{error:l.error})]})]})}export{pe as default};
