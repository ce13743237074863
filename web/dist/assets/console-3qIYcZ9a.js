const __vite__mapDeps=(i,m=__vite__mapDeps,d=(m.f||(m.f=["assets/login-DjGxVXI8.js","assets/preload-helper-CVfkMyKi.js","assets/signup-D4Rzjfq4.js","assets/onboarding-BZ7_kufG.js","assets/account-BiRM-9kO.js","assets/format-qEaakrqp.js","assets/plan-form-CXuWO21-.js","assets/connections-BH2sN07J.js","assets/ws-DjnkJ-fv.js","assets/profile-CRbYJJKJ.js","assets/settings-B8ACYEhf.js","assets/today-wK91Cq0x.js","assets/load-u1SkvV39.js","assets/performance-BjDwbMlt.js","assets/chart-ylM9psWn.js","assets/chart-Saz_VHki.css","assets/activities-CMCkEDtY.js","assets/activity-Uzh8S81d.js","assets/days-jjRNjo3F.js","assets/insights-VFUlw26K.js","assets/digest-DfzXNlm_.js","assets/plan-CSQbR9oR.js","assets/proposals-19uXkUIt.js","assets/log-DQyAxy1l.js","assets/coaches-Cl1uIHkw.js","assets/athletes-Ckzc3Zeg.js","assets/rules-CR0c0TNS.js","assets/admin-audit-ByabFVay.js","assets/admin-users-DODUBTmf.js","assets/admin-plugins-CFwjTFDC.js","assets/admin-ingestion-BGkN7zb3.js"])))=>i.map(i=>d[i]);
import{_ as v}from"./preload-helper-CVfkMyKi.js";var se,g,Be,L,Me,Ge,Ke,ue,Q,O,Ze,we,fe,ge,je,ne={},te=[],$n=/acit|ex(?:s|g|n|p|$)|rph|grid|ows|mnc|ntw|ine[ch]|zoo|^ord|itera/i,le=Array.isArray;function M(e,n){for(var t in n)e[t]=n[t];return e}function Ae(e){e&&e.parentNode&&e.parentNode.removeChild(e)}function Dn(e,n,t){var i,r,a,s={};for(a in n)a=="key"?i=n[a]:a=="ref"?r=n[a]:s[a]=n[a];if(arguments.length>2&&(s.children=arguments.length>3?se.call(arguments,2):t),typeof e=="function"&&e.defaultProps!=null)for(a in e.defaultProps)s[a]===void 0&&(s[a]=e.defaultProps[a]);return Y(e,s,i,r,null)}function Y(e,n,t,i,r){var a={type:e,props:n,key:t,ref:i,__k:null,__:null,__b:0,__e:null,__c:null,constructor:void 0,__v:r??++Be,__i:-1,__u:0};return r==null&&g.vnode!=null&&g.vnode(a),a}function q(e){return e.children}function X(e,n){this.props=e,this.context=n}function T(e,n){if(n==null)return e.__?T(e.__,e.__i+1):null;for(var t;n<e.__k.length;n++)if((t=e.__k[n])!=null&&t.__e!=null)return t.__e;return typeof e.type=="function"?T(e):null}function wn(e){if(e.__P&&e.__d){var n=e.__v,t=n.__e,i=[],r=[],a=M({},n);a.__v=n.__v+1,g.vnode&&g.vnode(a),ke(e.__P,a,n,e.__n,e.__P.namespaceURI,32&n.__u?[t]:null,i,t??T(n),!!(32&n.__u),r),a.__v=n.__v,a.__.__k[a.__i]=a,Xe(i,a,r),n.__e=n.__=null,a.__e!=t&&ze(a)}}function ze(e){if((e=e.__)!=null&&e.__c!=null)return e.__e=e.__c.base=null,e.__k.some(function(n){if(n!=null&&n.__e!=null)return e.__e=e.__c.base=n.__e}),ze(e)}function ye(e){(!e.__d&&(e.__d=!0)&&L.push(e)&&!ie.__r++||Me!=g.debounceRendering)&&((Me=g.debounceRendering)||Ge)(ie)}function ie(){try{for(var e,n=1;L.length;)L.length>n&&L.sort(Ke),e=L.shift(),n=L.length,wn(e)}finally{L.length=ie.__r=0}}function Je(e,n,t,i,r,a,s,d,u,c,_){var y,l,p,f,P,k,A=i&&i.__k||te,m=n.length;for(u=An(t,n,A,u,m),y=0;y<m;y++)(p=t.__k[y])!=null&&(l=p.__i!=-1&&A[p.__i]||ne,p.__i=y,k=ke(e,p,l,r,a,s,d,u,c,_),f=p.__e,p.ref&&l.ref!=p.ref&&(l.ref&&Pe(l.ref,null,p),_.push(p.ref,p.__c||f,p)),P==null&&f!=null&&(P=f),4&p.__u?(u=Qe(p,u,e),l.__e&&(l.__e=null)):typeof p.type=="function"&&k!==void 0?u=k:f&&(u=f.nextSibling),p.__u&=-7);return t.__e=P,u}function An(e,n,t,i,r){var a,s,d,u,c,_=t.length,y=_,l=0;for(e.__k=new Array(r),a=0;a<r;a++)(s=n[a])!=null&&typeof s!="boolean"&&typeof s!="function"?(typeof s=="string"||typeof s=="number"||typeof s=="bigint"||s.constructor==String?s=e.__k[a]=Y(null,s,null,null,null):le(s)?s=e.__k[a]=Y(q,{children:s},null,null,null):s.constructor===void 0&&s.__b>0?s=e.__k[a]=Y(s.type,s.props,s.key,s.ref?s.ref:null,s.__v):e.__k[a]=s,u=a+l,s.__=e,s.__b=e.__b+1,d=null,(c=s.__i=kn(s,t,u,y))!=-1&&(y--,(d=t[c])&&(d.__u|=2)),d==null||d.__v==null?(c==-1&&(r>_?l--:r<_&&l++),typeof s.type!="function"&&(s.__u|=4)):c!=u&&(c==u-1?l--:c==u+1?l++:(c>u?l--:l++,s.__u|=4))):e.__k[a]=null;if(y)for(a=0;a<_;a++)(d=t[a])!=null&&(2&d.__u)==0&&(d.__e==i&&(i=T(d)),nn(d,d));return i}function Qe(e,n,t){var i,r;if(typeof e.type=="function"){for(i=e.__k,r=0;i&&r<i.length;r++)i[r]&&(i[r].__=e,n=Qe(i[r],n,t));return n}e.__e!=n&&(n&&e.type&&!n.parentNode&&(n=T(e)),n=t.insertBefore(e.__e,n||null));do n=n&&n.nextSibling;while(n!=null&&n.nodeType==8);return n}function kn(e,n,t,i){var r,a,s,d=e.key,u=e.type,c=n[t],_=c!=null&&(2&c.__u)==0;if(c===null&&d==null||_&&d==c.key&&u==c.type)return t;if(i>(_?1:0)){for(r=t-1,a=t+1;r>=0||a<n.length;)if((c=n[s=r>=0?r--:a++])!=null&&(2&c.__u)==0&&d==c.key&&u==c.type)return s}return-1}function Le(e,n,t){n[0]=="-"?e.setProperty(n,t??""):e[n]=t==null?"":typeof t!="number"||$n.test(n)?t:t+"px"}function J(e,n,t,i,r){var a,s;e:if(n=="style")if(typeof t=="string")e.style.cssText=t;else{if(typeof i=="string"&&(e.style.cssText=i=""),i)for(n in i)t&&n in t||Le(e.style,n,"");if(t)for(n in t)i&&t[n]==i[n]||Le(e.style,n,t[n])}else if(n[0]=="o"&&n[1]=="n")a=n!=(n=n.replace(Ze,"$1")),s=n.toLowerCase(),n=s in e||n=="onFocusOut"||n=="onFocusIn"?s.slice(2):n.slice(2),e.l||(e.l={}),e.l[n+a]=t,t?i?t[O]=i[O]:(t[O]=we,e.addEventListener(n,a?ge:fe,a)):e.removeEventListener(n,a?ge:fe,a);else{if(r=="http://www.w3.org/2000/svg")n=n.replace(/xlink(H|:h)/,"h").replace(/sName$/,"s");else if(n!="width"&&n!="height"&&n!="href"&&n!="list"&&n!="form"&&n!="tabIndex"&&n!="download"&&n!="rowSpan"&&n!="colSpan"&&n!="role"&&n!="popover"&&n in e)try{e[n]=t??"";break e}catch{}typeof t=="function"||(t==null||t===!1&&n[4]!="-"?e.removeAttribute(n):e.setAttribute(n,n=="popover"&&t==1?"":t))}}function Ce(e){return function(n){if(this.l){var t=this.l[n.type+e];if(n[Q]==null)n[Q]=we++;else if(n[Q]<t[O])return;return t(g.event?g.event(n):n)}}}function ke(e,n,t,i,r,a,s,d,u,c){var _,y,l,p,f,P,k,A,m,N,F,C,V,Ee,z,ce,E=n.type;if(n.constructor!==void 0)return null;128&t.__u&&(u=!!(32&t.__u),a=[d=n.__e=t.__e]),(_=g.__b)&&_(n);e:if(typeof E=="function"){y=s.length;try{if(m=n.props,N=E.prototype&&E.prototype.render,F=(_=E.contextType)&&i[_.__c],C=_?F?F.props.value:_.__:i,t.__c?A=(l=n.__c=t.__c).__=l.__E:(N?n.__c=l=new E(m,C):(n.__c=l=new X(m,C),l.constructor=E,l.render=bn),F&&F.sub(l),l.state||(l.state={}),l.__n=i,p=l.__d=!0,l.__h=[],l._sb=[]),N&&l.__s==null&&(l.__s=l.state),N&&E.getDerivedStateFromProps!=null&&(l.__s==l.state&&(l.__s=M({},l.__s)),M(l.__s,E.getDerivedStateFromProps(m,l.__s))),f=l.props,P=l.state,l.__v=n,p)N&&E.getDerivedStateFromProps==null&&l.componentWillMount!=null&&l.componentWillMount(),N&&l.componentDidMount!=null&&l.__h.push(l.componentDidMount);else{if(N&&E.getDerivedStateFromProps==null&&m!==f&&l.componentWillReceiveProps!=null&&l.componentWillReceiveProps(m,C),n.__v==t.__v||!l.__e&&l.shouldComponentUpdate!=null&&l.shouldComponentUpdate(m,l.__s,C)===!1){n.__v!=t.__v&&(l.props=m,l.state=l.__s,l.__d=!1),n.__e=t.__e,n.__k=t.__k,n.__k.some(function(H){H&&(H.__=n)}),te.push.apply(l.__h,l._sb),l._sb=[],l.__h.length&&s.push(l),d=T(t);break e}l.componentWillUpdate!=null&&l.componentWillUpdate(m,l.__s,C),N&&l.componentDidUpdate!=null&&l.__h.push(function(){l.componentDidUpdate(f,P,k)})}if(l.context=C,l.props=m,l.__P=e,l.__e=!1,V=g.__r,Ee=0,N)l.state=l.__s,l.__d=!1,V&&V(n),_=l.render(l.props,l.state,l.context),te.push.apply(l.__h,l._sb),l._sb=[];else do l.__d=!1,V&&V(n),_=l.render(l.props,l.state,l.context),l.state=l.__s;while(l.__d&&++Ee<25);l.state=l.__s,l.getChildContext!=null&&(i=M(M({},i),l.getChildContext())),N&&!p&&l.getSnapshotBeforeUpdate!=null&&(k=l.getSnapshotBeforeUpdate(f,P)),z=_!=null&&_.type===q&&_.key==null?en(_.props.children):_,d=Je(e,le(z)?z:[z],n,t,i,r,a,s,d,u,c),l.base=n.__e,n.__u&=-161,l.__h.length&&s.push(l),A&&(l.__E=l.__=null)}catch(H){if(s.length=y,n.__v=null,u||a!=null){if(H.then){for(n.__u|=u?160:128;d&&d.nodeType==8&&d.nextSibling;)d=d.nextSibling;a!=null&&(a[a.indexOf(d)]=null),n.__e=d}else if(a!=null)for(ce=a.length;ce--;)Ae(a[ce])}else n.__e=t.__e;n.__k==null&&(n.__k=t.__k||[]),H.then||Ye(n),g.__e(H,n,t)}}else a==null&&n.__v==t.__v?(n.__k=t.__k,n.__e=t.__e):d=n.__e=Pn(t.__e,n,t,i,r,a,s,u,c);return(_=g.diffed)&&_(n),128&n.__u?void 0:d}function Ye(e){e&&(e.__c&&(e.__c.__e=!0),e.__k&&e.__k.some(Ye))}function Xe(e,n,t){for(var i=0;i<t.length;i++)Pe(t[i],t[++i],t[++i]);g.__c&&g.__c(n,e),e.some(function(r){try{e=r.__h,r.__h=[],e.some(function(a){a.call(r)})}catch(a){g.__e(a,r.__v)}})}function en(e){return typeof e!="object"||e==null||e.__b>0?e:le(e)?e.map(en):e.constructor!==void 0?null:M({},e)}function Pn(e,n,t,i,r,a,s,d,u){var c,_,y,l,p,f,P,k=t.props||ne,A=n.props,m=n.type;if(m=="svg"?r="http://www.w3.org/2000/svg":m=="math"?r="http://www.w3.org/1998/Math/MathML":r||(r="http://www.w3.org/1999/xhtml"),a!=null){for(c=0;c<a.length;c++)if((p=a[c])&&"setAttribute"in p==!!m&&(m?p.localName==m:p.nodeType==3)){e=p,a[c]=null;break}}if(e==null){if(m==null)return document.createTextNode(A);e=document.createElementNS(r,m,A.is&&A),d&&(g.__m&&g.__m(n,a),d=!1),a=null}if(m==null)k===A||d&&e.data==A||(e.data=A);else{if(a=m=="textarea"&&A.defaultValue!=null?null:a&&se.call(e.childNodes),!d&&a!=null)for(k={},c=0;c<e.attributes.length;c++)k[(p=e.attributes[c]).name]=p.value;for(c in k)p=k[c],c=="dangerouslySetInnerHTML"?y=p:c=="children"||c in A||c=="value"&&"defaultValue"in A||c=="checked"&&"defaultChecked"in A||J(e,c,null,p,r);for(c in A)p=A[c],c=="children"?l=p:c=="dangerouslySetInnerHTML"?_=p:c=="value"?f=p:c=="checked"?P=p:d&&typeof p!="function"||k[c]===p||J(e,c,p,k[c],r);if(_)d||y&&(_.__html==y.__html||_.__html==e.innerHTML)||(e.innerHTML=_.__html),n.__k=[];else if(y&&(e.innerHTML=""),Je(n.type=="template"?e.content:e,le(l)?l:[l],n,t,i,m=="foreignObject"?"http://www.w3.org/1999/xhtml":r,a,s,a?a[0]:t.__k&&T(t,0),d,u),a!=null)for(c=a.length;c--;)Ae(a[c]);d&&m!="textarea"||(c="value",m=="progress"&&f==null?e.removeAttribute("value"):f!=null&&(f!==e[c]||m=="progress"&&!f||m=="option"&&f!=k[c])&&J(e,c,f,k[c],r),c="checked",P!=null&&P!=e[c]&&J(e,c,P,k[c],r))}return e}function Pe(e,n,t){try{if(typeof e=="function"){var i=typeof e.__u=="function";i&&e.__u(),i&&n==null||(e.__u=e(n))}else e.current=n}catch(r){g.__e(r,t)}}function nn(e,n,t){var i,r;if(g.unmount&&g.unmount(e),(i=e.ref)&&(i.current&&i.current!=e.__e||Pe(i,null,n)),(i=e.__c)!=null){if(i.componentWillUnmount)try{i.componentWillUnmount()}catch(a){g.__e(a,n)}i.base=i.__P=i.__n=null}if(i=e.__k)for(r=0;r<i.length;r++)i[r]&&nn(i[r],n,t||typeof e.type!="function");t||Ae(e.__e),e.__c=e.__=e.__e=void 0}function bn(e,n,t){return this.constructor(e,t)}function Sn(e,n,t){var i,r,a,s;n==document&&(n=document.documentElement),g.__&&g.__(e,n),r=(i=!1)?null:n.__k,a=[],s=[],ke(n,e=n.__k=Dn(q,null,[e]),r||ne,ne,n.namespaceURI,r?null:n.firstChild?se.call(n.childNodes):null,a,r?r.__e:n.firstChild,i,s),Xe(a,e,s),e.props.children=null}function tn(e){function n(t){var i,r;return this.getChildContext||(i=new Set,(r={})[n.__c]=this,this.getChildContext=function(){return r},this.componentWillUnmount=function(){i=null},this.shouldComponentUpdate=function(a){this.props.value!=a.value&&i.forEach(function(s){s.__e=!0,ye(s)})},this.sub=function(a){i.add(a);var s=a.componentWillUnmount;a.componentWillUnmount=function(){i&&i.delete(a),s&&s.call(a)}}),t.children}return n.__c="__cC"+je++,n.__=e,n.Provider=n.__l=(n.Consumer=function(t,i){return t.children(i)}).contextType=n,n}se=te.slice,g={__e:function(e,n,t,i){for(var r,a,s;n=n.__;)if((r=n.__c)&&!r.__)try{if((a=r.constructor)&&a.getDerivedStateFromError!=null&&(r.setState(a.getDerivedStateFromError(e)),s=r.__d),r.componentDidCatch!=null&&(r.componentDidCatch(e,i||{}),s=r.__d),s)return r.__E=r}catch(d){e=d}throw e}},Be=0,X.prototype.setState=function(e,n){var t;t=this.__s!=null&&this.__s!=this.state?this.__s:this.__s=M({},this.state),typeof e=="function"&&(e=e(M({},t),this.props)),e&&M(t,e),e!=null&&this.__v&&(n&&this._sb.push(n),ye(this))},X.prototype.forceUpdate=function(e){this.__v&&(this.__e=!0,e&&this.__h.push(e),ye(this))},X.prototype.render=q,L=[],Ge=typeof Promise=="function"?Promise.prototype.then.bind(Promise.resolve()):setTimeout,Ke=function(e,n){return e.__v.__b-n.__v.__b},ie.__r=0,ue=Math.random().toString(8),Q="__d"+ue,O="__a"+ue,Ze=/(PointerCapture)$|Capture$/i,we=0,fe=Ce(!1),ge=Ce(!0),je=0;var Rn=0;function o(e,n,t,i,r,a){n||(n={});var s,d,u=n;if("ref"in u)for(d in u={},n)d=="ref"?s=n[d]:u[d]=n[d];var c={type:e,props:u,key:t,ref:s,__k:null,__:null,__b:0,__e:null,__c:null,constructor:void 0,__v:--Rn,__i:-1,__u:0,__source:r,__self:a};if(typeof e=="function"&&(s=e.defaultProps))for(d in s)u[d]===void 0&&(u[d]=s[d]);return g.vnode&&g.vnode(c),c}var x,I,he,Te,W=0,an=[],D=g,xe=D.__b,Ue=D.__r,qe=D.diffed,He=D.__c,Fe=D.unmount,Ve=D.__;function K(e,n){D.__h&&D.__h(I,e,W||n),W=0;var t=I.__H||(I.__H={__:[],__h:[]});return e>=t.__.length&&t.__.push({}),t.__[e]}function S(e){return W=1,Nn(ln,e)}function Nn(e,n,t){var i=K(x++,2);if(i.t=e,!i.__c&&(i.__=[ln(void 0,n),function(d){var u=i.__N?i.__N[0]:i.__[0],c=i.t(u,d);u!==c&&(i.__N=[c,i.__[1]],i.__c.setState({}))}],i.__c=I,!I.__f)){var r=function(d,u,c){if(!i.__c.__H)return!0;var _=!1,y=i.__c.props!==d;if(i.__c.__H.__.some(function(p){if(p.__N){_=!0;var f=p.__[0];p.__=p.__N,p.__N=void 0,f!==p.__[0]&&(y=!0)}}),a){var l=a.call(this,d,u,c);return _?l||y:l}return!_||y};I.__f=!0;var a=I.shouldComponentUpdate,s=I.componentWillUpdate;I.componentWillUpdate=function(d,u,c){if(this.__e){var _=a;a=void 0,r(d,u,c),a=_}s&&s.call(this,d,u,c)},I.shouldComponentUpdate=r}return i.__N||i.__}function U(e,n){var t=K(x++,3);!D.__s&&sn(t.__H,n)&&(t.__=e,t.u=n,I.__H.__h.push(t))}function rn(e){return W=5,de(function(){return{current:e}},[])}function de(e,n){var t=K(x++,7);return sn(t.__H,n)&&(t.__=e(),t.__H=n,t.__h=e),t.__}function ae(e,n){return W=8,de(function(){return e},n)}function on(e){var n=I.context[e.__c],t=K(x++,9);return t.c=e,n?(t.__==null&&(t.__=!0,n.sub(I)),n.props.value):e.__}function Z(){var e=K(x++,11);if(!e.__){for(var n=I.__v;n!==null&&!n.__m&&n.__!==null;)n=n.__;var t=n.__m||(n.__m=[0,0]);e.__="P"+t[0]+"-"+t[1]++}return e.__}function En(){for(var e;e=an.shift();){var n=e.__H;if(e.__P&&n)try{n.__h.some(ee),n.__h.some(Ie),n.__h=[]}catch(t){n.__h=[],D.__e(t,e.__v)}}}D.__b=function(e){I=null,xe&&xe(e)},D.__=function(e,n){e&&n.__k&&n.__k.__m&&(e.__m=n.__k.__m),Ve&&Ve(e,n)},D.__r=function(e){Ue&&Ue(e),x=0;var n=(I=e.__c).__H;n&&(he===I?(n.__h=[],I.__h=[],n.__.some(function(t){t.__N&&(t.__=t.__N),t.u=t.__N=void 0})):(n.__h.some(ee),n.__h.some(Ie),n.__h=[],x=0)),he=I},D.diffed=function(e){qe&&qe(e);var n=e.__c;n&&n.__H&&(n.__H.__h.length&&(an.push(n)!==1&&Te===D.requestAnimationFrame||((Te=D.requestAnimationFrame)||Mn)(En)),n.__H.__.some(function(t){t.u&&(t.__H=t.u,t.u=void 0)})),he=I=null},D.__c=function(e,n){n.some(function(t){try{t.__h.some(ee),t.__h=t.__h.filter(function(i){return!i.__||Ie(i)})}catch(i){n.some(function(r){r.__h&&(r.__h=[])}),n=[],D.__e(i,t.__v)}}),He&&He(e,n)},D.unmount=function(e){Fe&&Fe(e);var n,t=e.__c;t&&t.__H&&(t.__H.__.some(function(i){try{ee(i)}catch(r){n=r}}),t.__H=void 0,n&&D.__e(n,t.__v))};var Oe=typeof requestAnimationFrame=="function";function Mn(e){var n,t=function(){clearTimeout(i),Oe&&cancelAnimationFrame(n),setTimeout(e)},i=setTimeout(t,35);Oe&&(n=requestAnimationFrame(t))}function ee(e){var n=I,t=e.__c;typeof t=="function"&&(e.__c=void 0,t()),I=n}function Ie(e){var n=I;e.__c=e.__(),I=n}function sn(e,n){return!e||e.length!==n.length||n.some(function(t,i){return t!==e[i]})}function ln(e,n){return typeof n=="function"?n(e):n}const ve=new Set;let dn=!1;function cn(){dn=!0;for(const e of ve)e()}function B(e,n={}){e!==location.pathname+location.search&&(n.replace?history.replaceState(null,"",e):history.pushState(null,"",e),window.scrollTo(0,0),cn())}function Ln(){return dn}function We(){return{path:location.pathname.replace(/\/+$/,"")||"/",query:new URLSearchParams(location.search)}}function Cn(){const[e,n]=S(We);return U(()=>{const t=()=>n(We());return ve.add(t),()=>{ve.delete(t)}},[]),e}const Tn=/^\/(graphql|oauth|console|webhooks|healthz|readyz)(\/|$)/;function xn(){window.addEventListener("popstate",cn),document.addEventListener("click",e=>{if(e.defaultPrevented||e.button!==0||e.metaKey||e.ctrlKey||e.shiftKey||e.altKey)return;const n=e.target?.closest?.("a");if(!n||n.target||n.hasAttribute("download"))return;const t=new URL(n.href,location.href);t.origin!==location.origin||Tn.test(t.pathname)||t.pathname===location.pathname&&t.search===location.search&&t.hash||(e.preventDefault(),B(t.pathname+t.search))})}function $e(e,n){const t=[],i=e.replace(/:(\w+)/g,(s,d)=>(t.push(d),"([^/]+)")),r=new RegExp(`^${i}$`).exec(n);if(!r)return null;const a={};return t.forEach((s,d)=>a[s]=decodeURIComponent(r[d+1])),a}function un(e){const n=rn(null);return U(()=>{document.title=`${e.title} · Stride`,Ln()&&n.current?.focus()},[e.title]),o(q,{children:[o("div",{class:"page-head",children:[o("h1",{ref:n,tabIndex:-1,children:e.title}),e.actions&&o("div",{class:"page-actions",children:e.actions})]}),e.lead&&o("p",{class:"lead",children:e.lead}),e.children]})}function G(e){return o("p",{class:"loading",role:"status",children:["Loading",e.what?` ${e.what}`:"","…"]})}function be(e){return e.error?o("div",{class:"notice error",role:"alert",children:[o("p",{children:e.error.plain}),e.retry&&o("button",{type:"button",class:"secondary",onClick:e.retry,children:"Try again"})]}):null}function Ii(e){return o("div",{class:`notice ${e.kind??"info"}`,role:e.live?"status":void 0,children:e.children})}function Se(e){return o("div",{class:`field${e.error?" invalid":""}${e.class?` ${e.class}`:""}`,children:[o("label",{for:e.id,children:e.label}),e.hint&&o("p",{class:"hint",id:`${e.id}-hint`,children:e.hint}),e.children,e.error&&o("p",{class:"field-error",id:`${e.id}-error`,children:e.error})]})}function Re(e,n){const t=[n.hint?`${e}-hint`:"",n.error?`${e}-error`:""].filter(Boolean);return t.length?t.join(" "):void 0}function vi(e){const{label:n,hint:t,error:i,class:r,...a}=e,s=`${Z()}-${e.name}`;return o(Se,{id:s,label:n,hint:t,error:i,class:r,children:o("input",{id:s,"aria-invalid":i?!0:void 0,"aria-describedby":Re(s,e),...a})})}function $i(e){const{label:n,hint:t,error:i,class:r,code:a,...s}=e,d=`${Z()}-${e.name}`;return o(Se,{id:d,label:n,hint:t,error:i,class:r,children:o("textarea",{id:d,class:a?"code":void 0,"aria-invalid":i?!0:void 0,"aria-describedby":Re(d,e),...s})})}function Di(e){const{label:n,hint:t,error:i,options:r,class:a,defaultValue:s,...d}=e,u=`${Z()}-${e.name}`,c=s==null?void 0:String(s);return o(Se,{id:u,label:n,hint:t,error:i,class:a,children:o("select",{id:u,"aria-invalid":i?!0:void 0,"aria-describedby":Re(u,e),...d,children:r.map(([_,y])=>o("option",{value:_,selected:c===void 0?void 0:c===_,children:y},_))})})}function wi(e){const{label:n,hint:t,...i}=e,r=`${Z()}-${e.name}`;return o("div",{class:"check",children:[o("input",{type:"checkbox",id:r,"aria-describedby":t?`${r}-hint`:void 0,...i}),o("label",{for:r,children:n}),t&&o("p",{class:"hint",id:`${r}-hint`,children:t})]})}function Ai(e){const n=Z();return o("fieldset",{class:`radios${e.error?" invalid":""}`,children:[o("legend",{children:e.legend}),e.options.map(([t,i])=>o("div",{class:"check",children:[o("input",{type:"radio",id:`${n}-${t}`,name:e.name,value:t,checked:e.value===void 0?void 0:e.value===t,defaultChecked:e.defaultValue===t,onChange:()=>e.onChange?.(t)}),o("label",{for:`${n}-${t}`,children:i})]},t)),e.error&&o("p",{class:"field-error",children:e.error})]})}const Un={GREEN:"Green",YELLOW:"Yellow",RED:"Red"};function ki(e){const n=e.light;return n?o("span",{class:`light ${n.toLowerCase()}${e.large?" large":""}`,children:[o("span",{class:"dot","aria-hidden":"true"}),Un[n]]}):o("span",{class:"light none",children:"No light"})}function Pi(e){return o("pre",{class:"json",children:JSON.stringify(e.value,null,2)})}function bi(e){return o("dl",{class:`facts${e.class?` ${e.class}`:""}`,children:e.items.map(([n,t],i)=>o("div",{children:[o("dt",{children:n}),o("dd",{children:t})]},i))})}function Si(e){const n={};return new FormData(e).forEach((t,i)=>{typeof t=="string"&&t.trim()!==""&&(n[i]=t.trim())}),n}function qn(e){if(e===void 0||e==="")return;const n=Number(e);return Number.isFinite(n)?n:void 0}function Ri(e){const n=qn(e);return n===void 0?void 0:Math.round(n)}class h extends String{__apiType;value;__meta__;constructor(n,t){super(n),this.value=n,this.__meta__=t}toString(){return this.value}}const Hn=new h(`
    fragment InsightsView on AthleteInsights {
  computedAt
  today
  findings {
    input
    outcome
    lagDays
    n
    r
    rLow
    rHigh
    pValue
    qValue
    inputLow
    inputHigh
    effect
    effectLow
    effectHigh
    inputUnit
    outcomeUnit
    summary
    receipts {
      date
      activityId
      input
      outcome
    }
  }
  tested {
    input
    outcome
    lagDays
    n
    historyDays
    r
    rLow
    rHigh
    pValue
    qValue
  }
  waiting {
    input
    outcome
    n
    needed
  }
}
    `,{fragmentName:"InsightsView"}),Fn=new h(`
    fragment ProposalFields on Proposal {
  id
  athleteId
  state
  kind
  reason
  source {
    kind
    reference
    version
  }
  receipts {
    label
    value
    date
    activityId
  }
  changes {
    date
    workoutId
    before {
      kind
      targetDurationSeconds
      targetDistanceMeters
      intensityZone
      description
    }
    after {
      kind
      targetDurationSeconds
      targetDistanceMeters
      intensityZone
      description
    }
  }
  basePlanVersion
  createdAt
  expiresAt
  decidedAt
  decisionReason
  appliedAt
}
    `,{fragmentName:"ProposalFields"}),Vn=new h(`
    query MyAthletes {
  myAthletes {
    id
    access
    revokedAt
    athlete {
      id
      displayName
      timeZone
    }
  }
}
    `),On=new h(`
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
    `),Wn=new h(`
    mutation UpdateProfile($input: ProfileInput!) {
  updateProfile(input: $input) {
    id
    displayName
    units
    timeZone
  }
}
    `),Bn=new h(`
    mutation UpdateBaselines($athleteId: ID, $input: BaselinesInput!) {
  updateBaselines(athleteId: $athleteId, input: $input) {
    restingHeartRate
    maxHeartRate
  }
}
    `),Gn=new h(`
    mutation CreatePlan($athleteId: ID, $input: PlanCreateInput!) {
  createPlan(athleteId: $athleteId, input: $input) {
    id
    version
    name
  }
}
    `),Kn=new h(`
    query Me {
  me {
    id
    email
    displayName
    role
    permissions
    timeZone
    units
  }
  impersonation {
    by {
      displayName
      email
    }
    reason
    until
  }
}
    `),Zn=new h(`
    query Activities($athleteId: ID, $from: NaiveDate, $to: NaiveDate, $first: Int, $after: String) {
  activities(
    athleteId: $athleteId
    from: $from
    to: $to
    first: $first
    after: $after
  ) {
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
    `),jn=new h(`
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
    `),zn=new h(`
    mutation UpdateActivity($id: ID!, $input: ActivityPatchInput!) {
  updateActivity(id: $id, input: $input) {
    id
  }
}
    `),Jn=new h(`
    mutation MakePrimaryActivity($id: ID!) {
  makePrimaryActivity(id: $id) {
    id
    duplicateOf
  }
}
    `),Qn=new h(`
    mutation SeparateActivity($id: ID!) {
  separateActivity(id: $id) {
    id
    duplicateOf
  }
}
    `),Yn=new h(`
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
    `),Xn=new h(`
    mutation DeleteActivity($id: ID!) {
  deleteActivity(id: $id)
}
    `),et=new h(`
    query AuditLog($filter: AuditFilterInput, $first: Int, $after: String) {
  auditLog(filter: $filter, first: $first, after: $after) {
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      cursor
      node {
        seq
        at
        actorId
        realActorId
        action
        targetKind
        targetId
        reason
        payload
        hash
      }
    }
  }
}
    `),nt=new h(`
    query VerifyAuditLog {
  verifyAuditLog {
    checked
    intact
    firstBrokenSeq
    problem
  }
}
    `),tt=new h(`
    query AuditPeople {
  users {
    id
    displayName
    email
  }
}
    `),it=new h(`
    query AdminIngestion {
  ingestion {
    brake {
      paused
      reason
      since
    }
    jobs {
      queued
      held
      running
      failed
    }
    rateWindows {
      provider
      budget
      window
      startsAt
      usage
      limit
    }
    rejections {
      plugin
      athleteId
      externalId
      reason
      at
    }
  }
}
    `),at=new h(`
    mutation SetIngestionPaused($paused: Boolean!, $reason: String!) {
  setIngestionPaused(paused: $paused, reason: $reason) {
    paused
    reason
    since
  }
}
    `),rt=new h(`
    query AdminPlugins {
  plugins {
    id
    version
    apiVersion
    displayName
    contentHash
    loadedAt
    enabled
    breaker
    consecutiveFailures
    openUntil
    calls
    failures
    limits {
      webhookDeadlineMs
      webhookCpuMs
      jobDeadlineMs
      jobCpuMs
      memoryLimitMb
    }
    capabilities {
      oauth
      oauthScopes
      allowedHosts
      webhookKinds
      jobKinds
      secrets
    }
    recentFailures(limit: 10) {
      at
      version
      call
      kind
      message
      backtrace
    }
  }
  pluginLoadErrors {
    path
    message
    at
  }
}
    `),ot=new h(`
    mutation SetPluginEnabled($id: String!, $enabled: Boolean!, $reason: String!) {
  setPluginEnabled(id: $id, enabled: $enabled, reason: $reason) {
    id
    enabled
  }
}
    `),st=new h(`
    mutation ResetPluginBreaker($id: String!) {
  resetPluginBreaker(id: $id) {
    id
    breaker
  }
}
    `),lt=new h(`
    mutation ReloadPlugins {
  reloadPlugins {
    id
    version
  }
}
    `),dt=new h(`
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
    `),ct=new h(`
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
    `),ut=new h(`
    mutation CreateInvite($role: Role!, $email: String, $expiresInHours: Int) {
  createInvite(role: $role, email: $email, expiresInHours: $expiresInHours) {
    token
    invite {
      id
      expiresAt
    }
  }
}
    `),ht=new h(`
    mutation RevokeInvite($id: ID!) {
  revokeInvite(id: $id)
}
    `),_t=new h(`
    mutation SetUserRole($userId: ID!, $role: Role!, $reason: String) {
  setUserRole(userId: $userId, role: $role, reason: $reason) {
    id
    role
  }
}
    `),pt=new h(`
    mutation SetUserDisabled($userId: ID!, $disabled: Boolean!, $reason: String) {
  setUserDisabled(userId: $userId, disabled: $disabled, reason: $reason) {
    id
    disabledAt
  }
}
    `),mt=new h(`
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
    `),ft=new h(`
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
    `),gt=new h(`
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
    `),yt=new h(`
    mutation GrantCoachAccess($coachEmail: String!, $access: GrantAccess!) {
  grantCoachAccess(coachEmail: $coachEmail, access: $access) {
    id
  }
}
    `),It=new h(`
    mutation RevokeCoachAccess($grantId: ID!) {
  revokeCoachAccess(grantId: $grantId) {
    id
    revokedAt
  }
}
    `),vt=new h(`
    query Connections {
  connections {
    provider
    status
    scopes
    externalAthleteId
    connectedAt
    backfill {
      status
      pagesDone
      activitiesDone
      deferredUntil
      note
      updatedAt
    }
  }
}
    `),$t=new h(`
    mutation ConnectProvider($provider: String!) {
  connectProvider(provider: $provider) {
    authorizeUrl
    expiresAt
  }
}
    `),Dt=new h(`
    mutation DisconnectProvider($provider: String!) {
  disconnectProvider(provider: $provider)
}
    `),wt=new h(`
    query RelayTokens {
  relayTokens {
    id
    plugin
    name
    url
    createdAt
    lastUsedAt
    revokedAt
  }
}
    `),At=new h(`
    mutation CreateRelayToken($plugin: String!, $name: String!) {
  createRelayToken(plugin: $plugin, name: $name) {
    token
    relayToken {
      id
      name
      url
    }
  }
}
    `),kt=new h(`
    mutation RevokeRelayToken($id: ID!) {
  revokeRelayToken(id: $id)
}
    `),Pt=new h(`
    mutation ImportFiles($files: [Upload!]!, $athleteId: ID) {
  importFiles(files: $files, athleteId: $athleteId) {
    fileName
    filesRead
    activities
    duplicates
    refused
    problems {
      item
      message
    }
    error
  }
}
    `),bt=new h(`
    mutation StartFileImport($files: [Upload!]!, $athleteId: ID) {
  startFileImport(files: $files, athleteId: $athleteId) {
    id
  }
}
    `),St=new h(`
    query FileImport($id: ID!, $athleteId: ID) {
  fileImport(id: $id, athleteId: $athleteId) {
    id
    status
    files {
      name
      size
    }
    filesDone
    filesRead
    activities
    duplicates
    refused
    problems {
      item
      message
    }
    finishedAt
  }
}
    `),Rt=new h(`
    subscription FileImportProgress {
  backfillProgress(provider: "files") {
    status
    pagesDone
    activitiesDone
    note
  }
}
    `),Nt=new h(`
    query Days($athleteId: ID, $from: NaiveDate!, $to: NaiveDate!) {
  dailyMetrics(athleteId: $athleteId, from: $from, to: $to, first: 100) {
    nodes {
      id
      date
      source
      restingHeartRate
      hrvMs
      hrvKind
      weightKg
      sleepDurationMinutes
      sleepQuality
      readiness
      soreness
      stress
      mood
      notes
      sleep {
        inBedMinutes
        deepMinutes
        lightMinutes
        remMinutes
        awakeMinutes
        score
        isFinal
        start
        end
      }
      stressScore
      bodyBatteryHigh
      bodyBatteryLow
      steps
      activeKcal
      vo2Max
      respiratoryRate
      bodyFatPercent
    }
  }
  dayLogs(athleteId: $athleteId, from: $from, to: $to) {
    date
    workStress
    travel
    illness
    caffeineMg
    alcoholUnits
    nutritionNotes
  }
}
    `),Et=new h(`
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
    `),Mt=new h(`
    query Insights($athleteId: ID) {
  insights(athleteId: $athleteId) {
    ...InsightsView
  }
}
    fragment InsightsView on AthleteInsights {
  computedAt
  today
  findings {
    input
    outcome
    lagDays
    n
    r
    rLow
    rHigh
    pValue
    qValue
    inputLow
    inputHigh
    effect
    effectLow
    effectHigh
    inputUnit
    outcomeUnit
    summary
    receipts {
      date
      activityId
      input
      outcome
    }
  }
  tested {
    input
    outcome
    lagDays
    n
    historyDays
    r
    rLow
    rHigh
    pValue
    qValue
  }
  waiting {
    input
    outcome
    n
    needed
  }
}`),Lt=new h(`
    mutation RefreshInsights($athleteId: ID) {
  refreshInsights(athleteId: $athleteId) {
    ...InsightsView
  }
}
    fragment InsightsView on AthleteInsights {
  computedAt
  today
  findings {
    input
    outcome
    lagDays
    n
    r
    rLow
    rHigh
    pValue
    qValue
    inputLow
    inputHigh
    effect
    effectLow
    effectHigh
    inputUnit
    outcomeUnit
    summary
    receipts {
      date
      activityId
      input
      outcome
    }
  }
  tested {
    input
    outcome
    lagDays
    n
    historyDays
    r
    rLow
    rHigh
    pValue
    qValue
  }
  waiting {
    input
    outcome
    n
    needed
  }
}`),Ct=new h(`
    mutation LogActivity($athleteId: ID, $input: ActivityInput!) {
  logActivity(athleteId: $athleteId, input: $input) {
    id
    name
    rpeLoad
  }
}
    `),Tt=new h(`
    mutation LogMorning($athleteId: ID, $input: DailyMetricsInput!) {
  logDailyMetrics(athleteId: $athleteId, input: $input) {
    id
    date
  }
}
    `),xt=new h(`
    query DayLog($athleteId: ID, $date: NaiveDate!) {
  dayLogs(athleteId: $athleteId, from: $date, to: $date) {
    date
    workStress
    travel
    illness
    caffeineMg
    alcoholUnits
    nutritionNotes
    updatedAt
  }
}
    `),Ut=new h(`
    mutation LogDay($athleteId: ID, $date: NaiveDate!, $input: DayLogInput!) {
  logDay(athleteId: $athleteId, date: $date, input: $input) {
    date
    workStress
    travel
    illness
    caffeineMg
    alcoholUnits
    nutritionNotes
    updatedAt
  }
}
    `),qt=new h(`
    query OnboardingProgress {
  trainingPlan {
    id
    name
    goalRaceDate
  }
  connections {
    provider
    status
  }
}
    `),Ht=new h(`
    query Performance($athleteId: ID, $from: NaiveDate!, $to: NaiveDate!) {
  trainingStats(athleteId: $athleteId, from: $from, to: $to) {
    convention {
      ewma
      acuteDays
      chronicDays
      monotonyDays
      acuteLambda
      chronicLambda
      sdConvention
      loadMetric
      acwrAlert
      monotonyAlert
      monotonyCap
    }
    days {
      date
      load
      acute
      chronic
      acwr
      tsb
      monotony
      monotonyCapped
      weeklyLoad
      strain
      warmingUp
    }
  }
}
    `),Ft=new h(`
    query PlanCalendar($athleteId: ID) {
  trainingPlan(athleteId: $athleteId) {
    id
    name
    version
    goalRaceName
    goalRaceDate
    goalDistanceMeters
    startDate
    daysPerWeek
    longRunDay
    updatedAt
    phases {
      kind
      start
      end
    }
    weeks {
      index
      start
      end
      phase
      targetMinutes
      deload
    }
    workouts {
      id
      date
      kind
      targetDurationSeconds
      targetDistanceMeters
      intensityZone
      description
      state
      activityId
      planVersion
    }
    adherence {
      completed
      missed
      skipped
      planned
    }
  }
}
    `),Vt=new h(`
    query PlanActivities($athleteId: ID, $from: NaiveDate, $to: NaiveDate) {
  activities(athleteId: $athleteId, from: $from, to: $to, first: 200) {
    nodes {
      id
      name
      sport
      localDate
      durationSeconds
    }
  }
}
    `),Ot=new h(`
    query PlanHistory($athleteId: ID, $before: Int) {
  planHistory(athleteId: $athleteId, first: 20, before: $before) {
    version
    reason
    actorId
    createdAt
    snapshot
  }
}
    `),Wt=new h(`
    mutation RegeneratePlan($athleteId: ID, $input: PlanRegenerateInput!) {
  regeneratePlan(athleteId: $athleteId, input: $input) {
    id
    version
  }
}
    `),Bt=new h(`
    mutation ChangePassword($currentPassword: String!, $newPassword: String!) {
  changePassword(currentPassword: $currentPassword, newPassword: $newPassword) {
    expiresAt
  }
}
    `),Gt=new h(`
    query Proposals($athleteId: ID, $state: ProposalState) {
  proposals(athleteId: $athleteId, state: $state) {
    ...ProposalFields
  }
}
    fragment ProposalFields on Proposal {
  id
  athleteId
  state
  kind
  reason
  source {
    kind
    reference
    version
  }
  receipts {
    label
    value
    date
    activityId
  }
  changes {
    date
    workoutId
    before {
      kind
      targetDurationSeconds
      targetDistanceMeters
      intensityZone
      description
    }
    after {
      kind
      targetDurationSeconds
      targetDistanceMeters
      intensityZone
      description
    }
  }
  basePlanVersion
  createdAt
  expiresAt
  decidedAt
  decisionReason
  appliedAt
}`),Kt=new h(`
    subscription ProposalCreated($athleteId: ID) {
  proposalCreated(athleteId: $athleteId) {
    ...ProposalFields
  }
}
    fragment ProposalFields on Proposal {
  id
  athleteId
  state
  kind
  reason
  source {
    kind
    reference
    version
  }
  receipts {
    label
    value
    date
    activityId
  }
  changes {
    date
    workoutId
    before {
      kind
      targetDurationSeconds
      targetDistanceMeters
      intensityZone
      description
    }
    after {
      kind
      targetDurationSeconds
      targetDistanceMeters
      intensityZone
      description
    }
  }
  basePlanVersion
  createdAt
  expiresAt
  decidedAt
  decisionReason
  appliedAt
}`),Zt=new h(`
    mutation ConfirmProposal($id: ID!) {
  confirmProposal(id: $id) {
    ...ProposalFields
  }
}
    fragment ProposalFields on Proposal {
  id
  athleteId
  state
  kind
  reason
  source {
    kind
    reference
    version
  }
  receipts {
    label
    value
    date
    activityId
  }
  changes {
    date
    workoutId
    before {
      kind
      targetDurationSeconds
      targetDistanceMeters
      intensityZone
      description
    }
    after {
      kind
      targetDurationSeconds
      targetDistanceMeters
      intensityZone
      description
    }
  }
  basePlanVersion
  createdAt
  expiresAt
  decidedAt
  decisionReason
  appliedAt
}`),jt=new h(`
    mutation RejectProposal($id: ID!, $reason: String) {
  rejectProposal(id: $id, reason: $reason) {
    ...ProposalFields
  }
}
    fragment ProposalFields on Proposal {
  id
  athleteId
  state
  kind
  reason
  source {
    kind
    reference
    version
  }
  receipts {
    label
    value
    date
    activityId
  }
  changes {
    date
    workoutId
    before {
      kind
      targetDurationSeconds
      targetDistanceMeters
      intensityZone
      description
    }
    after {
      kind
      targetDurationSeconds
      targetDistanceMeters
      intensityZone
      description
    }
  }
  basePlanVersion
  createdAt
  expiresAt
  decidedAt
  decisionReason
  appliedAt
}`),zt=new h(`
    query RulesInForce($athleteId: ID) {
  rulesInForce(athleteId: $athleteId) {
    name
    origin
    ruleId
    version
    source
  }
  ruleFailures(athleteId: $athleteId) {
    rule
    version
    error
    at
  }
}
    `),Jt=new h(`
    query RuleVersions($ruleId: ID!) {
  ruleVersions(ruleId: $ruleId) {
    version
    status
    source
    fixtures
    problems
    createdBy
    createdAt
  }
}
    `),Qt=new h(`
    query RuleSnapshot($athleteId: ID) {
  ruleSnapshot(athleteId: $athleteId)
}
    `),Yt=new h(`
    mutation SimulateRule($athleteId: ID, $source: String!) {
  simulateRule(athleteId: $athleteId, source: $source) {
    kind
    reason
    draft
  }
}
    `),Xt=new h(`
    mutation SaveRule($input: RuleInput!) {
  saveRule(input: $input) {
    ruleId
    version
    accepted
    problems
  }
}
    `),ei=new h(`
    query DigestSettings {
  digestSettings {
    email
    weekday
    hour
    emailConfigured
  }
  digestEmails {
    weekStart
    state
    detail
    sentAt
  }
}
    `),ni=new h(`
    mutation UpdateDigestSettings($email: Boolean, $weekday: Int, $hour: Int) {
  updateDigestSettings(email: $email, weekday: $weekday, hour: $hour) {
    email
    weekday
    hour
    emailConfigured
  }
}
    `),ti=new h(`
    query Today($athleteId: ID, $today: NaiveDate!) {
  home(athleteId: $athleteId) {
    date
    workouts {
      id
      date
      kind
      description
      state
      targetDurationSeconds
      targetDistanceMeters
      intensityZone
      activityId
    }
    readiness {
      date
      light
      confidence
      signals {
        signal
        light
        reason
        values {
          name
          value
        }
      }
      missing {
        signal
        reason
      }
    }
    load {
      date
      load
      acute
      chronic
      acwr
      tsb
      monotony
      monotonyCapped
      weeklyLoad
      strain
      warmingUp
      historyDays
    }
    alerts {
      kind
      date
      value
      threshold
      receipts {
        explanation
      }
    }
  }
  proposals(athleteId: $athleteId, state: PENDING) {
    id
  }
  trainingPlan(athleteId: $athleteId) {
    id
    name
    goalRaceDate
  }
  trainingStats(athleteId: $athleteId, from: $today, to: $today) {
    convention {
      acwrAlert
      monotonyAlert
    }
  }
}
    `),ii=new h(`
    query MyTasks {
  myTasks {
    id
    kind
    createdAt
    activity {
      id
      name
      sport
      localDate
      durationSeconds
    }
  }
}
    `),ai=new h(`
    mutation SetActivityRpe($id: ID!, $rpe: Int!) {
  setActivityRpe(id: $id, rpe: $rpe) {
    id
    rpe
  }
}
    `),ri={"\n  query MyAthletes {\n    myAthletes {\n      id\n      access\n      revokedAt\n      athlete {\n        id\n        displayName\n        timeZone\n      }\n    }\n  }\n":Vn,"\n  query Account {\n    me {\n      id\n      email\n      displayName\n      role\n      timeZone\n      units\n      createdAt\n      profile {\n        birthDate\n        sex\n        weightKg\n        heightCm\n        notifications {\n          proposals\n          riskAlerts\n          weeklySummary\n        }\n      }\n      baselines {\n        restingHeartRate\n        hrvMs\n        hrvKind\n        maxHeartRate\n        thresholdHeartRate\n      }\n    }\n  }\n":On,"\n  mutation UpdateProfile($input: ProfileInput!) {\n    updateProfile(input: $input) {\n      id\n      displayName\n      units\n      timeZone\n    }\n  }\n":Wn,"\n  mutation UpdateBaselines($athleteId: ID, $input: BaselinesInput!) {\n    updateBaselines(athleteId: $athleteId, input: $input) {\n      restingHeartRate\n      maxHeartRate\n    }\n  }\n":Bn,"\n  mutation CreatePlan($athleteId: ID, $input: PlanCreateInput!) {\n    createPlan(athleteId: $athleteId, input: $input) {\n      id\n      version\n      name\n    }\n  }\n":Gn,"\n  query Me {\n    me {\n      id\n      email\n      displayName\n      role\n      permissions\n      timeZone\n      units\n    }\n    impersonation {\n      by {\n        displayName\n        email\n      }\n      reason\n      until\n    }\n  }\n":Kn,"\n  query Activities($athleteId: ID, $from: NaiveDate, $to: NaiveDate, $first: Int, $after: String) {\n    activities(athleteId: $athleteId, from: $from, to: $to, first: $first, after: $after) {\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        name\n        sport\n        localDate\n        durationSeconds\n        distanceMeters\n        averageHeartRate\n        rpe\n        rpeLoad\n        trimp\n        source\n        hasSamples\n        private\n      }\n    }\n  }\n":Zn,"\n  query ActivityDetail($id: ID!, $points: Int) {\n    activity(id: $id) {\n      id\n      athleteId\n      source\n      externalId\n      sport\n      name\n      startTime\n      localDate\n      durationSeconds\n      movingTimeSeconds\n      distanceMeters\n      elevationGainMeters\n      averageHeartRate\n      maxHeartRate\n      rpe\n      feeling\n      notes\n      private\n      rpeLoad\n      trimp\n      loadDetail\n      hasSamples\n      createdAt\n      updatedAt\n      sportDetail\n      device\n      averagePowerWatts\n      averageCadence\n      energyKcal\n      receivedAt\n      duplicateOf\n      laps {\n        startSeconds\n        durationSeconds\n        distanceMeters\n        averageHeartRate\n        maxHeartRate\n        averagePowerWatts\n        averageCadence\n      }\n      copies {\n        id\n        source\n        externalId\n        name\n        sportDetail\n        device\n        startTime\n        durationSeconds\n        distanceMeters\n        receivedAt\n      }\n      samples(maxPoints: $points) {\n        timeSeconds\n        heartRate\n        speedMps\n        altitudeMeters\n        powerWatts\n        cadence\n      }\n      fuel {\n        activityId\n        carbsBeforeGrams\n        carbsDuringGrams\n        caffeineMg\n        fluidMl\n        notes\n        updatedAt\n      }\n      efficiency {\n        efficiencyFactor\n        firstHalfEf\n        secondHalfEf\n        decouplingPct\n        meanSpeedMPerMin\n        meanHr\n        steady\n        speedSource\n      }\n    }\n  }\n":jn,"\n  mutation UpdateActivity($id: ID!, $input: ActivityPatchInput!) {\n    updateActivity(id: $id, input: $input) {\n      id\n    }\n  }\n":zn,"\n  mutation MakePrimaryActivity($id: ID!) {\n    makePrimaryActivity(id: $id) {\n      id\n      duplicateOf\n    }\n  }\n":Jn,"\n  mutation SeparateActivity($id: ID!) {\n    separateActivity(id: $id) {\n      id\n      duplicateOf\n    }\n  }\n":Qn,"\n  mutation LogSessionFuel($activityId: ID!, $input: SessionFuelInput!) {\n    logSessionFuel(activityId: $activityId, input: $input) {\n      activityId\n      carbsBeforeGrams\n      carbsDuringGrams\n      caffeineMg\n      fluidMl\n      notes\n      updatedAt\n    }\n  }\n":Yn,"\n  mutation DeleteActivity($id: ID!) {\n    deleteActivity(id: $id)\n  }\n":Xn,"\n  query AuditLog($filter: AuditFilterInput, $first: Int, $after: String) {\n    auditLog(filter: $filter, first: $first, after: $after) {\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          seq\n          at\n          actorId\n          realActorId\n          action\n          targetKind\n          targetId\n          reason\n          payload\n          hash\n        }\n      }\n    }\n  }\n":et,"\n  query VerifyAuditLog {\n    verifyAuditLog {\n      checked\n      intact\n      firstBrokenSeq\n      problem\n    }\n  }\n":nt,"\n  query AuditPeople {\n    users {\n      id\n      displayName\n      email\n    }\n  }\n":tt,"\n  query AdminIngestion {\n    ingestion {\n      brake {\n        paused\n        reason\n        since\n      }\n      jobs {\n        queued\n        held\n        running\n        failed\n      }\n      rateWindows {\n        provider\n        budget\n        window\n        startsAt\n        usage\n        limit\n      }\n      rejections {\n        plugin\n        athleteId\n        externalId\n        reason\n        at\n      }\n    }\n  }\n":it,"\n  mutation SetIngestionPaused($paused: Boolean!, $reason: String!) {\n    setIngestionPaused(paused: $paused, reason: $reason) {\n      paused\n      reason\n      since\n    }\n  }\n":at,"\n  query AdminPlugins {\n    plugins {\n      id\n      version\n      apiVersion\n      displayName\n      contentHash\n      loadedAt\n      enabled\n      breaker\n      consecutiveFailures\n      openUntil\n      calls\n      failures\n      limits {\n        webhookDeadlineMs\n        webhookCpuMs\n        jobDeadlineMs\n        jobCpuMs\n        memoryLimitMb\n      }\n      capabilities {\n        oauth\n        oauthScopes\n        allowedHosts\n        webhookKinds\n        jobKinds\n        secrets\n      }\n      recentFailures(limit: 10) {\n        at\n        version\n        call\n        kind\n        message\n        backtrace\n      }\n    }\n    pluginLoadErrors {\n      path\n      message\n      at\n    }\n  }\n":rt,"\n  mutation SetPluginEnabled($id: String!, $enabled: Boolean!, $reason: String!) {\n    setPluginEnabled(id: $id, enabled: $enabled, reason: $reason) {\n      id\n      enabled\n    }\n  }\n":ot,"\n  mutation ResetPluginBreaker($id: String!) {\n    resetPluginBreaker(id: $id) {\n      id\n      breaker\n    }\n  }\n":st,"\n  mutation ReloadPlugins {\n    reloadPlugins {\n      id\n      version\n    }\n  }\n":lt,"\n  query AdminUsers {\n    users {\n      id\n      email\n      displayName\n      role\n      createdAt\n      disabledAt\n    }\n  }\n":dt,"\n  query AdminInvites {\n    invites {\n      id\n      email\n      role\n      createdAt\n      expiresAt\n      usedAt\n      revokedAt\n      status\n    }\n  }\n":ct,"\n  mutation CreateInvite($role: Role!, $email: String, $expiresInHours: Int) {\n    createInvite(role: $role, email: $email, expiresInHours: $expiresInHours) {\n      token\n      invite {\n        id\n        expiresAt\n      }\n    }\n  }\n":ut,"\n  mutation RevokeInvite($id: ID!) {\n    revokeInvite(id: $id)\n  }\n":ht,"\n  mutation SetUserRole($userId: ID!, $role: Role!, $reason: String) {\n    setUserRole(userId: $userId, role: $role, reason: $reason) {\n      id\n      role\n    }\n  }\n":_t,"\n  mutation SetUserDisabled($userId: ID!, $disabled: Boolean!, $reason: String) {\n    setUserDisabled(userId: $userId, disabled: $disabled, reason: $reason) {\n      id\n      disabledAt\n    }\n  }\n":pt,"\n  query CoachAthletes {\n    myAthletes {\n      id\n      access\n      createdAt\n      revokedAt\n      athlete {\n        id\n        displayName\n        email\n      }\n    }\n  }\n":mt,"\n  query AthleteGlance($athleteId: ID!) {\n    home(athleteId: $athleteId) {\n      date\n      readiness {\n        light\n        confidence\n        signals {\n          signal\n          light\n        }\n      }\n      alerts {\n        kind\n        date\n        value\n      }\n      workouts {\n        id\n        kind\n        state\n      }\n    }\n    proposals(athleteId: $athleteId, state: PENDING) {\n      id\n    }\n  }\n":ft,"\n  query MyCoaches {\n    myCoaches {\n      id\n      access\n      createdAt\n      revokedAt\n      coach {\n        id\n        displayName\n        email\n      }\n    }\n  }\n":gt,"\n  mutation GrantCoachAccess($coachEmail: String!, $access: GrantAccess!) {\n    grantCoachAccess(coachEmail: $coachEmail, access: $access) {\n      id\n    }\n  }\n":yt,"\n  mutation RevokeCoachAccess($grantId: ID!) {\n    revokeCoachAccess(grantId: $grantId) {\n      id\n      revokedAt\n    }\n  }\n":It,"\n  query Connections {\n    connections {\n      provider\n      status\n      scopes\n      externalAthleteId\n      connectedAt\n      backfill {\n        status\n        pagesDone\n        activitiesDone\n        deferredUntil\n        note\n        updatedAt\n      }\n    }\n  }\n":vt,"\n  mutation ConnectProvider($provider: String!) {\n    connectProvider(provider: $provider) {\n      authorizeUrl\n      expiresAt\n    }\n  }\n":$t,"\n  mutation DisconnectProvider($provider: String!) {\n    disconnectProvider(provider: $provider)\n  }\n":Dt,"\n  query RelayTokens {\n    relayTokens {\n      id\n      plugin\n      name\n      url\n      createdAt\n      lastUsedAt\n      revokedAt\n    }\n  }\n":wt,"\n  mutation CreateRelayToken($plugin: String!, $name: String!) {\n    createRelayToken(plugin: $plugin, name: $name) {\n      token\n      relayToken {\n        id\n        name\n        url\n      }\n    }\n  }\n":At,"\n  mutation RevokeRelayToken($id: ID!) {\n    revokeRelayToken(id: $id)\n  }\n":kt,"\n  mutation ImportFiles($files: [Upload!]!, $athleteId: ID) {\n    importFiles(files: $files, athleteId: $athleteId) {\n      fileName\n      filesRead\n      activities\n      duplicates\n      refused\n      problems {\n        item\n        message\n      }\n      error\n    }\n  }\n":Pt,"\n  mutation StartFileImport($files: [Upload!]!, $athleteId: ID) {\n    startFileImport(files: $files, athleteId: $athleteId) {\n      id\n    }\n  }\n":bt,"\n  query FileImport($id: ID!, $athleteId: ID) {\n    fileImport(id: $id, athleteId: $athleteId) {\n      id\n      status\n      files {\n        name\n        size\n      }\n      filesDone\n      filesRead\n      activities\n      duplicates\n      refused\n      problems {\n        item\n        message\n      }\n      finishedAt\n    }\n  }\n":St,'\n  subscription FileImportProgress {\n    backfillProgress(provider: "files") {\n      status\n      pagesDone\n      activitiesDone\n      note\n    }\n  }\n':Rt,"\n  query Days($athleteId: ID, $from: NaiveDate!, $to: NaiveDate!) {\n    dailyMetrics(athleteId: $athleteId, from: $from, to: $to, first: 100) {\n      nodes {\n        id\n        date\n        source\n        restingHeartRate\n        hrvMs\n        hrvKind\n        weightKg\n        sleepDurationMinutes\n        sleepQuality\n        readiness\n        soreness\n        stress\n        mood\n        notes\n        sleep {\n          inBedMinutes\n          deepMinutes\n          lightMinutes\n          remMinutes\n          awakeMinutes\n          score\n          isFinal\n          start\n          end\n        }\n        stressScore\n        bodyBatteryHigh\n        bodyBatteryLow\n        steps\n        activeKcal\n        vo2Max\n        respiratoryRate\n        bodyFatPercent\n      }\n    }\n    dayLogs(athleteId: $athleteId, from: $from, to: $to) {\n      date\n      workStress\n      travel\n      illness\n      caffeineMg\n      alcoholUnits\n      nutritionNotes\n    }\n  }\n":Nt,"\n  query WeeklyDigest($weekOf: NaiveDate) {\n    weeklyDigest(weekOf: $weekOf) {\n      recipientName\n      weekStart\n      weekEnd\n      forCoach\n      athletes {\n        athleteId\n        athleteName\n        sessionsDone\n        sessionsPlanned\n        plannedCompleted\n        minutesDone\n        distanceKm\n        alerts\n        load {\n          weekLoad\n          previousWeekLoad\n          chronicStart\n          chronicEnd\n          acuteEnd\n          tsbStart\n          tsbEnd\n          acwrEnd\n        }\n        pendingProposals {\n          summary\n          source\n          createdAt\n        }\n        newestInsight\n      }\n    }\n  }\n":Et,"\n  query Insights($athleteId: ID) {\n    insights(athleteId: $athleteId) {\n      ...InsightsView\n    }\n  }\n":Mt,"\n  mutation RefreshInsights($athleteId: ID) {\n    refreshInsights(athleteId: $athleteId) {\n      ...InsightsView\n    }\n  }\n":Lt,"\n  fragment InsightsView on AthleteInsights {\n    computedAt\n    today\n    findings {\n      input\n      outcome\n      lagDays\n      n\n      r\n      rLow\n      rHigh\n      pValue\n      qValue\n      inputLow\n      inputHigh\n      effect\n      effectLow\n      effectHigh\n      inputUnit\n      outcomeUnit\n      summary\n      receipts {\n        date\n        activityId\n        input\n        outcome\n      }\n    }\n    tested {\n      input\n      outcome\n      lagDays\n      n\n      historyDays\n      r\n      rLow\n      rHigh\n      pValue\n      qValue\n    }\n    waiting {\n      input\n      outcome\n      n\n      needed\n    }\n  }\n":Hn,"\n  mutation LogActivity($athleteId: ID, $input: ActivityInput!) {\n    logActivity(athleteId: $athleteId, input: $input) {\n      id\n      name\n      rpeLoad\n    }\n  }\n":Ct,"\n  mutation LogMorning($athleteId: ID, $input: DailyMetricsInput!) {\n    logDailyMetrics(athleteId: $athleteId, input: $input) {\n      id\n      date\n    }\n  }\n":Tt,"\n  query DayLog($athleteId: ID, $date: NaiveDate!) {\n    dayLogs(athleteId: $athleteId, from: $date, to: $date) {\n      date\n      workStress\n      travel\n      illness\n      caffeineMg\n      alcoholUnits\n      nutritionNotes\n      updatedAt\n    }\n  }\n":xt,"\n  mutation LogDay($athleteId: ID, $date: NaiveDate!, $input: DayLogInput!) {\n    logDay(athleteId: $athleteId, date: $date, input: $input) {\n      date\n      workStress\n      travel\n      illness\n      caffeineMg\n      alcoholUnits\n      nutritionNotes\n      updatedAt\n    }\n  }\n":Ut,"\n  query OnboardingProgress {\n    trainingPlan {\n      id\n      name\n      goalRaceDate\n    }\n    connections {\n      provider\n      status\n    }\n  }\n":qt,"\n  query Performance($athleteId: ID, $from: NaiveDate!, $to: NaiveDate!) {\n    trainingStats(athleteId: $athleteId, from: $from, to: $to) {\n      convention {\n        ewma\n        acuteDays\n        chronicDays\n        monotonyDays\n        acuteLambda\n        chronicLambda\n        sdConvention\n        loadMetric\n        acwrAlert\n        monotonyAlert\n        monotonyCap\n      }\n      days {\n        date\n        load\n        acute\n        chronic\n        acwr\n        tsb\n        monotony\n        monotonyCapped\n        weeklyLoad\n        strain\n        warmingUp\n      }\n    }\n  }\n":Ht,"\n  query PlanCalendar($athleteId: ID) {\n    trainingPlan(athleteId: $athleteId) {\n      id\n      name\n      version\n      goalRaceName\n      goalRaceDate\n      goalDistanceMeters\n      startDate\n      daysPerWeek\n      longRunDay\n      updatedAt\n      phases {\n        kind\n        start\n        end\n      }\n      weeks {\n        index\n        start\n        end\n        phase\n        targetMinutes\n        deload\n      }\n      workouts {\n        id\n        date\n        kind\n        targetDurationSeconds\n        targetDistanceMeters\n        intensityZone\n        description\n        state\n        activityId\n        planVersion\n      }\n      adherence {\n        completed\n        missed\n        skipped\n        planned\n      }\n    }\n  }\n":Ft,"\n  query PlanActivities($athleteId: ID, $from: NaiveDate, $to: NaiveDate) {\n    activities(athleteId: $athleteId, from: $from, to: $to, first: 200) {\n      nodes {\n        id\n        name\n        sport\n        localDate\n        durationSeconds\n      }\n    }\n  }\n":Vt,"\n  query PlanHistory($athleteId: ID, $before: Int) {\n    planHistory(athleteId: $athleteId, first: 20, before: $before) {\n      version\n      reason\n      actorId\n      createdAt\n      snapshot\n    }\n  }\n":Ot,"\n  mutation RegeneratePlan($athleteId: ID, $input: PlanRegenerateInput!) {\n    regeneratePlan(athleteId: $athleteId, input: $input) {\n      id\n      version\n    }\n  }\n":Wt,"\n  mutation ChangePassword($currentPassword: String!, $newPassword: String!) {\n    changePassword(currentPassword: $currentPassword, newPassword: $newPassword) {\n      expiresAt\n    }\n  }\n":Bt,"\n  fragment ProposalFields on Proposal {\n    id\n    athleteId\n    state\n    kind\n    reason\n    source {\n      kind\n      reference\n      version\n    }\n    receipts {\n      label\n      value\n      date\n      activityId\n    }\n    changes {\n      date\n      workoutId\n      before {\n        kind\n        targetDurationSeconds\n        targetDistanceMeters\n        intensityZone\n        description\n      }\n      after {\n        kind\n        targetDurationSeconds\n        targetDistanceMeters\n        intensityZone\n        description\n      }\n    }\n    basePlanVersion\n    createdAt\n    expiresAt\n    decidedAt\n    decisionReason\n    appliedAt\n  }\n":Fn,"\n  query Proposals($athleteId: ID, $state: ProposalState) {\n    proposals(athleteId: $athleteId, state: $state) {\n      ...ProposalFields\n    }\n  }\n":Gt,"\n  subscription ProposalCreated($athleteId: ID) {\n    proposalCreated(athleteId: $athleteId) {\n      ...ProposalFields\n    }\n  }\n":Kt,"\n  mutation ConfirmProposal($id: ID!) {\n    confirmProposal(id: $id) {\n      ...ProposalFields\n    }\n  }\n":Zt,"\n  mutation RejectProposal($id: ID!, $reason: String) {\n    rejectProposal(id: $id, reason: $reason) {\n      ...ProposalFields\n    }\n  }\n":jt,"\n  query RulesInForce($athleteId: ID) {\n    rulesInForce(athleteId: $athleteId) {\n      name\n      origin\n      ruleId\n      version\n      source\n    }\n    ruleFailures(athleteId: $athleteId) {\n      rule\n      version\n      error\n      at\n    }\n  }\n":zt,"\n  query RuleVersions($ruleId: ID!) {\n    ruleVersions(ruleId: $ruleId) {\n      version\n      status\n      source\n      fixtures\n      problems\n      createdBy\n      createdAt\n    }\n  }\n":Jt,"\n  query RuleSnapshot($athleteId: ID) {\n    ruleSnapshot(athleteId: $athleteId)\n  }\n":Qt,"\n  mutation SimulateRule($athleteId: ID, $source: String!) {\n    simulateRule(athleteId: $athleteId, source: $source) {\n      kind\n      reason\n      draft\n    }\n  }\n":Yt,"\n  mutation SaveRule($input: RuleInput!) {\n    saveRule(input: $input) {\n      ruleId\n      version\n      accepted\n      problems\n    }\n  }\n":Xt,"\n  query DigestSettings {\n    digestSettings {\n      email\n      weekday\n      hour\n      emailConfigured\n    }\n    digestEmails {\n      weekStart\n      state\n      detail\n      sentAt\n    }\n  }\n":ei,"\n  mutation UpdateDigestSettings($email: Boolean, $weekday: Int, $hour: Int) {\n    updateDigestSettings(email: $email, weekday: $weekday, hour: $hour) {\n      email\n      weekday\n      hour\n      emailConfigured\n    }\n  }\n":ni,"\n  query Today($athleteId: ID, $today: NaiveDate!) {\n    home(athleteId: $athleteId) {\n      date\n      workouts {\n        id\n        date\n        kind\n        description\n        state\n        targetDurationSeconds\n        targetDistanceMeters\n        intensityZone\n        activityId\n      }\n      readiness {\n        date\n        light\n        confidence\n        signals {\n          signal\n          light\n          reason\n          values {\n            name\n            value\n          }\n        }\n        missing {\n          signal\n          reason\n        }\n      }\n      load {\n        date\n        load\n        acute\n        chronic\n        acwr\n        tsb\n        monotony\n        monotonyCapped\n        weeklyLoad\n        strain\n        warmingUp\n        historyDays\n      }\n      alerts {\n        kind\n        date\n        value\n        threshold\n        receipts {\n          explanation\n        }\n      }\n    }\n    proposals(athleteId: $athleteId, state: PENDING) {\n      id\n    }\n    trainingPlan(athleteId: $athleteId) {\n      id\n      name\n      goalRaceDate\n    }\n    trainingStats(athleteId: $athleteId, from: $today, to: $today) {\n      convention {\n        acwrAlert\n        monotonyAlert\n      }\n    }\n  }\n":ti,"\n  query MyTasks {\n    myTasks {\n      id\n      kind\n      createdAt\n      activity {\n        id\n        name\n        sport\n        localDate\n        durationSeconds\n      }\n    }\n  }\n":ii,"\n  mutation SetActivityRpe($id: ID!, $rpe: Int!) {\n    setActivityRpe(id: $id, rpe: $rpe) {\n      id\n      rpe\n    }\n  }\n":ai};function hn(e){return ri[e]??{}}class R extends Error{constructor(n,t,i=[],r){super(n),this.code=t,this.fields=i,this.retryAfterSeconds=r,this.name="ApiError"}code;fields;retryAfterSeconds;get plain(){switch(this.code){case"RATE_LIMITED":return`Too many requests. Try again in ${this.retryAfterSeconds??"a few"} seconds.`;case"FORBIDDEN":return`Not allowed: ${this.message}`;case"NOT_FOUND":return`Not found: ${this.message}`;case"CONFLICT":return`Conflict: ${this.message}`;case"NETWORK":return"Stride could not be reached. Check the connection and try again.";case"BAD_INPUT":return this.fields.length?`Please check: ${this.fields.map(n=>`${n.field} ${n.reason}`).join("; ")}`:this.message;default:return this.message}}get byField(){const n={};for(const{field:t,reason:i}of this.fields){const r=t.split(".").pop()??t;n[r]=n[r]?`${n[r]}; ${i}`:i}return n}}function j(e){return e instanceof R?e:e instanceof Error?new R(e.message,"UNKNOWN"):new R(String(e),"UNKNOWN")}let De=()=>{};function oi(e){De=e}function _n(e){const n=Number(e.headers.get("retry-after"));return Number.isFinite(n)&&n>0?n:void 0}async function pn(e,n){let t;try{t=await fetch("/graphql",{method:"POST",credentials:"same-origin",headers:{"content-type":"application/json","x-stride-console":"1"},body:JSON.stringify({query:e.toString(),variables:n??{}})})}catch{throw new R("network error","NETWORK")}if(t.status===401)throw De(),new R("You are not logged in.","UNAUTHENTICATED");if(t.status===429){const a=_n(t);throw new R("too many requests","RATE_LIMITED",[],a)}let i;try{i=await t.json()}catch{throw new R(`the server answered ${t.status} ${t.statusText}`,t.status>=500?"INTERNAL":"UNKNOWN")}const r=i.errors?.[0];if(r){const a=r.extensions?.code??"UNKNOWN";a==="UNAUTHENTICATED"&&De();const s=i.errors.flatMap(d=>d.extensions?.fields??[]);throw new R(r.message,a,s,r.extensions?.retryAfterSeconds)}return i.data}async function mn(e,n,t){let i;try{i=await fetch(n,{method:e,credentials:"same-origin",headers:t===void 0?{"x-stride-console":"1"}:{"content-type":"application/json","x-stride-console":"1"},body:t===void 0?void 0:JSON.stringify(t)})}catch{throw new R("network error","NETWORK")}if(i.status===204)return null;const r=await i.json().catch(()=>({}));if(!i.ok){const a=r.code??(i.status===429?"RATE_LIMITED":"UNKNOWN");throw new R(r.error??`${i.status} ${i.statusText}`,a,r.fields??[],_n(i))}return r}function si(e,n,t={}){const i=t.skip??!1,r=JSON.stringify(n??{}),[a,s]=S(void 0),[d,u]=S(void 0),[c,_]=S(!i),[y,l]=S(0);U(()=>{if(i){_(!1);return}let f=!0;return _(!0),u(void 0),pn(e,JSON.parse(r)).then(P=>{f&&(s(P),_(!1))},P=>{f&&(u(j(P)),_(!1))}),()=>{f=!1}},[e,r,y,i]);const p=ae(()=>l(f=>f+1),[]);return{data:a,error:d,loading:c,reload:p,setData:s}}function Ni(e){const[n,t]=S(!1),[i,r]=S(void 0),a=rn(e);return a.current=e,{run:ae(async(...d)=>{t(!0),r(void 0);try{return await a.current(...d)}catch(u){r(j(u));return}finally{t(!1)}},[]),busy:n,error:i,clear:()=>r(void 0)}}const li=hn(`
  query Me {
    me {
      id
      email
      displayName
      role
      permissions
      timeZone
      units
    }
    impersonation {
      by {
        displayName
        email
      }
      reason
      until
    }
  }
`),fn=tn(null);function gn(){const e=on(fn);if(!e)throw new Error("useSession outside a logged-in page");return e}function Ei(){return gn().me}const Ne=tn(null);function Mi(){const e=on(Ne);if(!e)throw new Error("useScope outside an athlete page");return e}function re(e){return e.role==="ATHLETE"||e.role==="COACH"}function b(e,n){return e.permissions.includes(n)}const di={refresh:async()=>{}},_e=new Map;function oe(e){const[n,t]=S(()=>_e.get(e.loader)),[i,r]=S();if(U(()=>{const s=_e.get(e.loader);if(s){t(()=>s);return}let d=!0;return t(void 0),e.loader().then(u=>{_e.set(e.loader,u),d&&t(()=>u)},u=>d&&r(new R(`This page could not be loaded (${j(u).message}). Reload to try again.`,"NETWORK"))),()=>{d=!1}},[e.loader]),i)return o(be,{error:i});if(!n)return o(G,{});const a=n.default;return o(a,{params:e.params})}const $={login:()=>v(()=>import("./login-DjGxVXI8.js"),__vite__mapDeps([0,1])),signup:()=>v(()=>import("./signup-D4Rzjfq4.js"),__vite__mapDeps([2,1])),onboarding:()=>v(()=>import("./onboarding-BZ7_kufG.js"),__vite__mapDeps([3,4,5,6,7,8,1])),profile:()=>v(()=>import("./profile-CRbYJJKJ.js"),__vite__mapDeps([9,4,5,1])),settings:()=>v(()=>import("./settings-B8ACYEhf.js"),__vite__mapDeps([10,4,5,1])),today:()=>v(()=>import("./today-wK91Cq0x.js"),__vite__mapDeps([11,5,12,1])),performance:()=>v(()=>import("./performance-BjDwbMlt.js"),__vite__mapDeps([13,14,15,5,12,1])),activities:()=>v(()=>import("./activities-CMCkEDtY.js"),__vite__mapDeps([16,5,1])),activity:()=>v(()=>import("./activity-Uzh8S81d.js"),__vite__mapDeps([17,14,15,5,1])),days:()=>v(()=>import("./days-jjRNjo3F.js"),__vite__mapDeps([18,5,1])),insights:()=>v(()=>import("./insights-VFUlw26K.js"),__vite__mapDeps([19,14,15,5,1])),digest:()=>v(()=>import("./digest-DfzXNlm_.js"),__vite__mapDeps([20,5,1])),plan:()=>v(()=>import("./plan-CSQbR9oR.js"),__vite__mapDeps([21,6,5,1])),proposals:()=>v(()=>import("./proposals-19uXkUIt.js"),__vite__mapDeps([22,5,8,1])),log:()=>v(()=>import("./log-DQyAxy1l.js"),__vite__mapDeps([23,5,16,1])),connections:()=>v(()=>import("./connections-BH2sN07J.js"),__vite__mapDeps([7,5,8,1])),coaches:()=>v(()=>import("./coaches-Cl1uIHkw.js"),__vite__mapDeps([24,5,1])),athletes:()=>v(()=>import("./athletes-Ckzc3Zeg.js"),__vite__mapDeps([25,5,1])),rules:()=>v(()=>import("./rules-CR0c0TNS.js"),__vite__mapDeps([26,5,1])),audit:()=>v(()=>import("./admin-audit-ByabFVay.js"),__vite__mapDeps([27,5,1])),users:()=>v(()=>import("./admin-users-DODUBTmf.js"),__vite__mapDeps([28,5,1])),plugins:()=>v(()=>import("./admin-plugins-CFwjTFDC.js"),__vite__mapDeps([29,5,1])),ingestion:()=>v(()=>import("./admin-ingestion-BGkN7zb3.js"),__vite__mapDeps([30,5,1]))},yn=[["",$.today],["/performance",$.performance],["/activities",$.activities],["/activities/:id",$.activity],["/days",$.days],["/insights",$.insights],["/plan",$.plan],["/proposals",$.proposals],["/log",$.log],["/rules",$.rules]],ci=[["/onboarding",$.onboarding],["/profile",$.profile],["/settings",$.settings],["/digest",$.digest],["/connections",$.connections],["/coaches",$.coaches],["/athletes",$.athletes],["/admin/audit",$.audit],["/admin/users",$.users],["/admin/plugins",$.plugins],["/admin/ingestion",$.ingestion]];function pe(e){return re(e)?"/":b(e,"READ_AUDIT")?"/admin/audit":b(e,"MANAGE_USERS")||b(e,"INVITE_USERS")?"/admin/users":"/profile"}const In=new Set(["/login","/signup"]);function ui(){const e=Cn(),[n,t]=S(void 0),[i,r]=S(),a=ae(async()=>{try{const u=await pn(li,{});t({...u.me,impersonation:u.impersonation}),r(void 0)}catch(u){const c=j(u);c.code==="UNAUTHENTICATED"?t(null):r(c)}},[]);U(()=>{di.refresh=a,oi(()=>t(null)),a()},[a]);const s=ae(async()=>{try{await mn("DELETE","/console/session")}finally{t(null),B("/login",{replace:!0})}},[]);U(()=>{if(n===null&&!In.has(e.path)){const u=e.path==="/"?"":`?next=${encodeURIComponent(e.path+(e.query.size?`?${e.query}`:""))}`;B(`/login${u}`,{replace:!0})}},[n,e.path]);const d=de(()=>n?{me:n,refresh:a,logout:s}:null,[n,a,s]);if(i)return o("main",{id:"main",class:"narrow",children:[o("h1",{children:"Stride"}),o(be,{error:i,retry:()=>{a()}})]});if(n===void 0)return o(G,{what:"Stride"});if(!d){const u=e.path==="/signup"?$.signup:$.login;return o(q,{children:[o("a",{class:"skip",href:"#main",children:"Skip to content"}),o("header",{class:"top",children:o("span",{class:"brand",children:"Stride"})}),o("main",{id:"main",tabIndex:-1,class:"narrow",children:o(oe,{loader:u,params:{}},e.path)})]})}return o(fn.Provider,{value:d,children:o(hi,{me:n,path:e.path})})}function hi(e){const{me:n,path:t}=e,[i,r]=S(!1);if(U(()=>r(!1),[t]),In.has(t)){const d=new URLSearchParams(location.search).get("next");return B(d&&d.startsWith("/")&&!d.startsWith("//")?d:pe(n),{replace:!0}),o(G,{})}if(t==="/"&&!re(n))return B(pe(n),{replace:!0}),o(G,{});let a=null;const s=/^\/athletes\/([^/]+)(\/.*)?$/.exec(t);if(s)a=o(gi,{athleteId:decodeURIComponent(s[1]),rest:s[2]??""});else{for(const[d,u]of ci){const c=$e(d,t);if(c){a=o(oe,{loader:u,params:c});break}}if(!a){const d=pi(n);for(const[u,c]of yn){const _=$e(u||"/",t);if(_&&u!=="/rules"){a=o(Ne.Provider,{value:d,children:o(oe,{loader:c,params:_})});break}}}}return o(q,{children:[o("a",{class:"skip",href:"#main",children:"Skip to content"}),n.impersonation&&o(_i,{me:n}),o("header",{class:"top",children:[o("a",{class:"brand",href:pe(n),children:"Stride"}),o("button",{type:"button",class:"menu-toggle","aria-expanded":i,"aria-controls":"main-nav",onClick:()=>r(!i),children:"Menu"}),o(mi,{me:n,path:t,open:i})]}),o("main",{id:"main",tabIndex:-1,children:a??o(vn,{})})]})}function _i(e){const n=e.me.impersonation,[t,i]=S(),r=async()=>{try{await mn("DELETE","/console/impersonation"),location.assign("/admin/users")}catch(a){i(j(a))}};return o("div",{class:"impersonation",role:"status",children:[o("p",{children:[o("strong",{children:[n.by.displayName," is acting as ",e.me.displayName]})," ","(",e.me.email,") until ",new Date(n.until).toLocaleTimeString(),". Reason: “",n.reason,"”. Everything done here is audited under both names."]}),o("button",{type:"button",class:"small",onClick:()=>{r()},children:["Stop acting as ",e.me.displayName]}),t&&o("p",{role:"alert",children:t.message})]})}function pi(e){return{athleteId:null,name:e.displayName,canWrite:!0,base:"",timeZone:e.timeZone,self:!0}}function w(e){const n=e.exact?e.path===e.href:e.path===e.href||e.path.startsWith(`${e.href}/`);return o("li",{children:o("a",{href:e.href,"aria-current":n?"page":void 0,children:e.children})})}function mi(e){const{me:n,path:t}=e,{logout:i}=gn(),r=b(n,"READ_AUDIT")||b(n,"MANAGE_USERS")||b(n,"INVITE_USERS")||b(n,"MANAGE_PLUGINS")||b(n,"MANAGE_INGESTION");return o("nav",{id:"main-nav","aria-label":"Main",class:e.open?"open":"",children:[re(n)&&o("ul",{"aria-label":"Training",children:[o(w,{href:"/",path:t,exact:!0,children:"Today"}),o(w,{href:"/performance",path:t,children:"Performance"}),o(w,{href:"/activities",path:t,children:"Activities"}),o(w,{href:"/days",path:t,children:"Days"}),o(w,{href:"/insights",path:t,children:"Insights"}),o(w,{href:"/plan",path:t,children:"Plan"}),o(w,{href:"/proposals",path:t,children:"Proposals"}),o(w,{href:"/digest",path:t,children:"Digest"}),o(w,{href:"/log",path:t,children:"Log"}),o(w,{href:"/connections",path:t,children:"Connections"}),o(w,{href:"/coaches",path:t,children:"Coaches"})]}),b(n,"COACH_ATHLETES")&&o("ul",{"aria-label":"Coaching",children:[o(w,{href:"/athletes",path:t,children:"Athletes"}),!re(n)&&o(w,{href:"/digest",path:t,children:"Digest"})]}),r&&o("ul",{"aria-label":"Administration",children:[b(n,"READ_AUDIT")&&o(w,{href:"/admin/audit",path:t,children:"Audit log"}),(b(n,"MANAGE_USERS")||b(n,"INVITE_USERS"))&&o(w,{href:"/admin/users",path:t,children:"Users"}),b(n,"MANAGE_PLUGINS")&&o(w,{href:"/admin/plugins",path:t,children:"Plugins"}),b(n,"MANAGE_INGESTION")&&o(w,{href:"/admin/ingestion",path:t,children:"Ingestion"})]}),o("ul",{"aria-label":"Account",class:"account",children:[o(w,{href:"/profile",path:t,children:"Profile"}),o(w,{href:"/settings",path:t,children:"Settings"}),o("li",{children:o("button",{type:"button",class:"link",onClick:()=>{i()},children:["Log out ",o("span",{class:"who",children:["(",n.displayName,")"]})]})})]})]})}const fi=hn(`
  query MyAthletes {
    myAthletes {
      id
      access
      revokedAt
      athlete {
        id
        displayName
        timeZone
      }
    }
  }
`);function gi(e){const n=si(fi,{}),t=n.data?.myAthletes.find(s=>s.athlete.id===e.athleteId&&!s.revokedAt),i=de(()=>t?{athleteId:t.athlete.id,name:t.athlete.displayName,canWrite:t.access==="READ_WRITE",base:`/athletes/${t.athlete.id}`,timeZone:t.athlete.timeZone,self:!1}:null,[t?.id,t?.access]);if(n.error)return o(be,{error:n.error,retry:n.reload});if(!n.data)return o(G,{what:"athlete"});if(!i)return o(un,{title:"No access",children:[o("p",{children:"This athlete has not granted you access, or the grant was revoked."}),o("p",{children:o("a",{href:"/athletes",children:"Back to your athletes"})})]});let r=null;for(const[s,d]of yn){if(s==="/log"&&!i.canWrite)continue;const u=$e(s||"",e.rest);if(u){r=o(oe,{loader:d,params:u});break}}const a=[["","Today"],["/performance","Performance"],["/activities","Activities"],["/days","Days"],["/insights","Insights"],["/plan","Plan"],["/proposals","Proposals"],...i.canWrite?[["/log","Log"]]:[],["/rules","Rules"]];return o(Ne.Provider,{value:i,children:[o("div",{class:"athlete-bar",children:[o("p",{children:[o("a",{href:"/athletes",children:"Athletes"})," › ",o("strong",{children:i.name})," ",o("span",{class:`access ${i.canWrite?"rw":"ro"}`,children:i.canWrite?"read-write access":"read-only access"})]}),o("nav",{"aria-label":`${i.name}'s pages`,children:o("ul",{class:"tabs",children:a.map(([s,d])=>{const u=`${i.base}${s}`,c=s===""?e.rest==="":e.rest===s||e.rest.startsWith(`${s}/`);return o("li",{children:o("a",{href:u,"aria-current":c?"page":void 0,children:d})},s)})})})]}),r??o(vn,{})]})}function vn(){return o(un,{title:"Page not found",children:o("p",{children:["There is no page at ",o("code",{children:location.pathname}),". ",o("a",{href:"/",children:"Go to the start page"}),"."]})})}xn();const me=document.getElementById("app");me&&(me.textContent="",Sn(o(ui,{}),me));export{R as A,wi as C,be as E,bi as F,vi as I,Pi as J,G as L,Ii as N,un as P,Ai as R,q as S,de as T,o as a,di as b,Cn as c,S as d,si as e,Si as f,hn as g,gn as h,Di as i,Ei as j,qn as k,Ri as l,j as m,B as n,U as o,rn as p,Mi as q,pn as r,mn as s,re as t,Ni as u,ki as v,$i as w,b as x};
