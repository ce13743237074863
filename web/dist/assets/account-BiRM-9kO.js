import{g as l,k as s,a,I as i,l as n,i as h,S as u,R as d}from"./console-3qIYcZ9a.js";import{t as m,f as g,a as c}from"./format-qEaakrqp.js";const H=l(`
  query Account {
    me {
      id
      email
      displayName
      role
      timeZone
      units
      createdAt
      profile {
        birthDate
        sex
        weightKg
        heightCm
        notifications {
          proposals
          riskAlerts
          weeklySummary
        }
      }
      baselines {
        restingHeartRate
        hrvMs
        hrvKind
        maxHeartRate
        thresholdHeartRate
      }
    }
  }
`),p=l(`
  mutation UpdateProfile($input: ProfileInput!) {
    updateProfile(input: $input) {
      id
      displayName
      units
      timeZone
    }
  }
`),S=l(`
  mutation UpdateBaselines($athleteId: ID, $input: BaselinesInput!) {
    updateBaselines(athleteId: $athleteId, input: $input) {
      restingHeartRate
      maxHeartRate
    }
  }
`);function b(e){const{profile:t}=e.account,r=e.units==="IMPERIAL";return a("div",{class:"row",children:[a(i,{label:r?"Height (in)":"Height (cm)",name:"height",type:"number",step:r?"0.5":"1",inputMode:"decimal",defaultValue:t.heightCm?String(r?Math.round(t.heightCm/2.54*2)/2:t.heightCm):"",error:e.errors.heightCm}),a(i,{label:`Weight (${c(e.units)})`,name:"weight",type:"number",step:"0.1",inputMode:"decimal",defaultValue:t.weightKg?String(g(t.weightKg,e.units)):"",error:e.errors.weightKg})]})}function I(e,t){const r=s(e.height),o=s(e.weight);return{heightCm:r===void 0?void 0:Math.round((t==="IMPERIAL"?r*2.54:r)*10)/10,weightKg:o===void 0?void 0:Math.round(m(o,t)*10)/10}}function v(e){const t=e.account.baselines;return a(u,{children:[a("div",{class:"row",children:[a(i,{label:"Resting heart rate (bpm)",name:"restingHeartRate",type:"number",inputMode:"numeric",defaultValue:t.restingHeartRate?String(t.restingHeartRate):"",hint:"First thing in the morning, lying still.",error:e.errors.restingHeartRate}),a(i,{label:"Maximum heart rate (bpm)",name:"maxHeartRate",type:"number",inputMode:"numeric",defaultValue:t.maxHeartRate?String(t.maxHeartRate):"",hint:"The highest you have seen in a hard effort.",error:e.errors.maxHeartRate})]}),e.full&&a("div",{class:"row",children:[a(i,{label:"Threshold heart rate (bpm)",name:"thresholdHeartRate",type:"number",inputMode:"numeric",defaultValue:t.thresholdHeartRate?String(t.thresholdHeartRate):"",error:e.errors.thresholdHeartRate}),a(i,{label:"HRV baseline (ms)",name:"hrvMs",type:"number",step:"0.1",inputMode:"decimal",defaultValue:t.hrvMs?String(t.hrvMs):"",error:e.errors.hrvMs}),a(h,{label:"HRV kind",name:"hrvKind",defaultValue:t.hrvKind??"RMSSD",options:[["RMSSD","rMSSD"],["SDNN","SDNN"]],error:e.errors.hrvKind})]})]})}function y(e,t=!1){return{restingHeartRate:n(e.restingHeartRate)??null,maxHeartRate:n(e.maxHeartRate)??null,...t?{thresholdHeartRate:n(e.thresholdHeartRate)??null,hrvMs:s(e.hrvMs)??null,hrvKind:e.hrvMs?e.hrvKind??"RMSSD":null}:{}}}const R=[["METRIC","Metric: kilometres, kilograms, metres"],["IMPERIAL","Imperial: miles, pounds, feet"]];function w(e){return a(d,{legend:"Units",name:"units",options:R,defaultValue:e.value,onChange:t=>e.onChange?.(t)})}const K=[["","Not given"],["FEMALE","Female"],["MALE","Male"]];function x(e){return e==="FEMALE"||e==="MALE"?e:null}export{H as A,b as B,v as H,K as S,p as U,y as a,S as b,w as c,R as d,I as r,x as s};
