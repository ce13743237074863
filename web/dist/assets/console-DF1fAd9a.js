const __vite__mapDeps=(i,m=__vite__mapDeps,d=(m.f||(m.f=["assets/login-C360zmwB.js","assets/preload-helper-CVfkMyKi.js","assets/signup-B7YO62DT.js","assets/onboarding-CXNrXV-x.js","assets/account-D7vLMPUp.js","assets/format-qEaakrqp.js","assets/plan-form-DxAEkAjm.js","assets/connections-BIFXDIL1.js","assets/profile-DAuBZGDm.js","assets/settings-EUkyfy5j.js","assets/today-kAszNW8k.js","assets/load-u1SkvV39.js","assets/performance-CqP8Kfx3.js","assets/chart-2tbGLu_k.js","assets/chart-Saz_VHki.css","assets/activities-pmWTSqgo.js","assets/activity-ECYDIIBH.js","assets/days-2i_06-7C.js","assets/plan-Bq4Rxstk.js","assets/proposals-BmVQqb6k.js","assets/log-XY9f9Z9B.js","assets/coaches-C-IkZFX2.js","assets/athletes-WA9Y7BIh.js","assets/rules-Dh-c2Mgz.js","assets/admin-audit-g1C_HqSe.js","assets/admin-users-DlTy3cCU.js","assets/admin-plugins-BY2qzzAH.js","assets/admin-ingestion-B2mGkC-g.js"])))=>i.map(i=>d[i]);
import{_ as $}from"./preload-helper-CVfkMyKi.js";var oe,g,Be,C,Me,Ke,Ge,ce,Q,V,Ze,De,me,fe,je,ne={},te=[],In=/acit|ex(?:s|g|n|p|$)|rph|grid|ows|mnc|ntw|ine[ch]|zoo|^ord|itera/i,se=Array.isArray;function M(e,n){for(var t in n)e[t]=n[t];return e}function Ae(e){e&&e.parentNode&&e.parentNode.removeChild(e)}function Dn(e,n,t){var a,r,i,s={};for(i in n)i=="key"?a=n[i]:i=="ref"?r=n[i]:s[i]=n[i];if(arguments.length>2&&(s.children=arguments.length>3?oe.call(arguments,2):t),typeof e=="function"&&e.defaultProps!=null)for(i in e.defaultProps)s[i]===void 0&&(s[i]=e.defaultProps[i]);return Y(e,s,a,r,null)}function Y(e,n,t,a,r){var i={type:e,props:n,key:t,ref:a,__k:null,__:null,__b:0,__e:null,__c:null,constructor:void 0,__v:r??++Be,__i:-1,__u:0};return r==null&&g.vnode!=null&&g.vnode(i),i}function q(e){return e.children}function X(e,n){this.props=e,this.context=n}function x(e,n){if(n==null)return e.__?x(e.__,e.__i+1):null;for(var t;n<e.__k.length;n++)if((t=e.__k[n])!=null&&t.__e!=null)return t.__e;return typeof e.type=="function"?x(e):null}function An(e){if(e.__P&&e.__d){var n=e.__v,t=n.__e,a=[],r=[],i=M({},n);i.__v=n.__v+1,g.vnode&&g.vnode(i),we(e.__P,i,n,e.__n,e.__P.namespaceURI,32&n.__u?[t]:null,a,t??x(n),!!(32&n.__u),r),i.__v=n.__v,i.__.__k[i.__i]=i,Xe(a,i,r),n.__e=n.__=null,i.__e!=t&&ze(i)}}function ze(e){if((e=e.__)!=null&&e.__c!=null)return e.__e=e.__c.base=null,e.__k.some(function(n){if(n!=null&&n.__e!=null)return e.__e=e.__c.base=n.__e}),ze(e)}function ge(e){(!e.__d&&(e.__d=!0)&&C.push(e)&&!ae.__r++||Me!=g.debounceRendering)&&((Me=g.debounceRendering)||Ke)(ae)}function ae(){try{for(var e,n=1;C.length;)C.length>n&&C.sort(Ge),e=C.shift(),n=C.length,An(e)}finally{C.length=ae.__r=0}}function Je(e,n,t,a,r,i,s,d,u,c,p){var y,l,h,f,k,w,A=a&&a.__k||te,m=n.length;for(u=wn(t,n,A,u,m),y=0;y<m;y++)(h=t.__k[y])!=null&&(l=h.__i!=-1&&A[h.__i]||ne,h.__i=y,w=we(e,h,l,r,i,s,d,u,c,p),f=h.__e,h.ref&&l.ref!=h.ref&&(l.ref&&ke(l.ref,null,h),p.push(h.ref,h.__c||f,h)),k==null&&f!=null&&(k=f),4&h.__u?(u=Qe(h,u,e),l.__e&&(l.__e=null)):typeof h.type=="function"&&w!==void 0?u=w:f&&(u=f.nextSibling),h.__u&=-7);return t.__e=k,u}function wn(e,n,t,a,r){var i,s,d,u,c,p=t.length,y=p,l=0;for(e.__k=new Array(r),i=0;i<r;i++)(s=n[i])!=null&&typeof s!="boolean"&&typeof s!="function"?(typeof s=="string"||typeof s=="number"||typeof s=="bigint"||s.constructor==String?s=e.__k[i]=Y(null,s,null,null,null):se(s)?s=e.__k[i]=Y(q,{children:s},null,null,null):s.constructor===void 0&&s.__b>0?s=e.__k[i]=Y(s.type,s.props,s.key,s.ref?s.ref:null,s.__v):e.__k[i]=s,u=i+l,s.__=e,s.__b=e.__b+1,d=null,(c=s.__i=kn(s,t,u,y))!=-1&&(y--,(d=t[c])&&(d.__u|=2)),d==null||d.__v==null?(c==-1&&(r>p?l--:r<p&&l++),typeof s.type!="function"&&(s.__u|=4)):c!=u&&(c==u-1?l--:c==u+1?l++:(c>u?l--:l++,s.__u|=4))):e.__k[i]=null;if(y)for(i=0;i<p;i++)(d=t[i])!=null&&(2&d.__u)==0&&(d.__e==a&&(a=x(d)),nn(d,d));return a}function Qe(e,n,t){var a,r;if(typeof e.type=="function"){for(a=e.__k,r=0;a&&r<a.length;r++)a[r]&&(a[r].__=e,n=Qe(a[r],n,t));return n}e.__e!=n&&(n&&e.type&&!n.parentNode&&(n=x(e)),n=t.insertBefore(e.__e,n||null));do n=n&&n.nextSibling;while(n!=null&&n.nodeType==8);return n}function kn(e,n,t,a){var r,i,s,d=e.key,u=e.type,c=n[t],p=c!=null&&(2&c.__u)==0;if(c===null&&d==null||p&&d==c.key&&u==c.type)return t;if(a>(p?1:0)){for(r=t-1,i=t+1;r>=0||i<n.length;)if((c=n[s=r>=0?r--:i++])!=null&&(2&c.__u)==0&&d==c.key&&u==c.type)return s}return-1}function Ce(e,n,t){n[0]=="-"?e.setProperty(n,t??""):e[n]=t==null?"":typeof t!="number"||In.test(n)?t:t+"px"}function J(e,n,t,a,r){var i,s;e:if(n=="style")if(typeof t=="string")e.style.cssText=t;else{if(typeof a=="string"&&(e.style.cssText=a=""),a)for(n in a)t&&n in t||Ce(e.style,n,"");if(t)for(n in t)a&&t[n]==a[n]||Ce(e.style,n,t[n])}else if(n[0]=="o"&&n[1]=="n")i=n!=(n=n.replace(Ze,"$1")),s=n.toLowerCase(),n=s in e||n=="onFocusOut"||n=="onFocusIn"?s.slice(2):n.slice(2),e.l||(e.l={}),e.l[n+i]=t,t?a?t[V]=a[V]:(t[V]=De,e.addEventListener(n,i?fe:me,i)):e.removeEventListener(n,i?fe:me,i);else{if(r=="http://www.w3.org/2000/svg")n=n.replace(/xlink(H|:h)/,"h").replace(/sName$/,"s");else if(n!="width"&&n!="height"&&n!="href"&&n!="list"&&n!="form"&&n!="tabIndex"&&n!="download"&&n!="rowSpan"&&n!="colSpan"&&n!="role"&&n!="popover"&&n in e)try{e[n]=t??"";break e}catch{}typeof t=="function"||(t==null||t===!1&&n[4]!="-"?e.removeAttribute(n):e.setAttribute(n,n=="popover"&&t==1?"":t))}}function Te(e){return function(n){if(this.l){var t=this.l[n.type+e];if(n[Q]==null)n[Q]=De++;else if(n[Q]<t[V])return;return t(g.event?g.event(n):n)}}}function we(e,n,t,a,r,i,s,d,u,c){var p,y,l,h,f,k,w,A,m,N,F,T,O,Ee,z,de,E=n.type;if(n.constructor!==void 0)return null;128&t.__u&&(u=!!(32&t.__u),i=[d=n.__e=t.__e]),(p=g.__b)&&p(n);e:if(typeof E=="function"){y=s.length;try{if(m=n.props,N=E.prototype&&E.prototype.render,F=(p=E.contextType)&&a[p.__c],T=p?F?F.props.value:p.__:a,t.__c?A=(l=n.__c=t.__c).__=l.__E:(N?n.__c=l=new E(m,T):(n.__c=l=new X(m,T),l.constructor=E,l.render=bn),F&&F.sub(l),l.state||(l.state={}),l.__n=a,h=l.__d=!0,l.__h=[],l._sb=[]),N&&l.__s==null&&(l.__s=l.state),N&&E.getDerivedStateFromProps!=null&&(l.__s==l.state&&(l.__s=M({},l.__s)),M(l.__s,E.getDerivedStateFromProps(m,l.__s))),f=l.props,k=l.state,l.__v=n,h)N&&E.getDerivedStateFromProps==null&&l.componentWillMount!=null&&l.componentWillMount(),N&&l.componentDidMount!=null&&l.__h.push(l.componentDidMount);else{if(N&&E.getDerivedStateFromProps==null&&m!==f&&l.componentWillReceiveProps!=null&&l.componentWillReceiveProps(m,T),n.__v==t.__v||!l.__e&&l.shouldComponentUpdate!=null&&l.shouldComponentUpdate(m,l.__s,T)===!1){n.__v!=t.__v&&(l.props=m,l.state=l.__s,l.__d=!1),n.__e=t.__e,n.__k=t.__k,n.__k.some(function(H){H&&(H.__=n)}),te.push.apply(l.__h,l._sb),l._sb=[],l.__h.length&&s.push(l),d=x(t);break e}l.componentWillUpdate!=null&&l.componentWillUpdate(m,l.__s,T),N&&l.componentDidUpdate!=null&&l.__h.push(function(){l.componentDidUpdate(f,k,w)})}if(l.context=T,l.props=m,l.__P=e,l.__e=!1,O=g.__r,Ee=0,N)l.state=l.__s,l.__d=!1,O&&O(n),p=l.render(l.props,l.state,l.context),te.push.apply(l.__h,l._sb),l._sb=[];else do l.__d=!1,O&&O(n),p=l.render(l.props,l.state,l.context),l.state=l.__s;while(l.__d&&++Ee<25);l.state=l.__s,l.getChildContext!=null&&(a=M(M({},a),l.getChildContext())),N&&!h&&l.getSnapshotBeforeUpdate!=null&&(w=l.getSnapshotBeforeUpdate(f,k)),z=p!=null&&p.type===q&&p.key==null?en(p.props.children):p,d=Je(e,se(z)?z:[z],n,t,a,r,i,s,d,u,c),l.base=n.__e,n.__u&=-161,l.__h.length&&s.push(l),A&&(l.__E=l.__=null)}catch(H){if(s.length=y,n.__v=null,u||i!=null){if(H.then){for(n.__u|=u?160:128;d&&d.nodeType==8&&d.nextSibling;)d=d.nextSibling;i!=null&&(i[i.indexOf(d)]=null),n.__e=d}else if(i!=null)for(de=i.length;de--;)Ae(i[de])}else n.__e=t.__e;n.__k==null&&(n.__k=t.__k||[]),H.then||Ye(n),g.__e(H,n,t)}}else i==null&&n.__v==t.__v?(n.__k=t.__k,n.__e=t.__e):d=n.__e=Pn(t.__e,n,t,a,r,i,s,u,c);return(p=g.diffed)&&p(n),128&n.__u?void 0:d}function Ye(e){e&&(e.__c&&(e.__c.__e=!0),e.__k&&e.__k.some(Ye))}function Xe(e,n,t){for(var a=0;a<t.length;a++)ke(t[a],t[++a],t[++a]);g.__c&&g.__c(n,e),e.some(function(r){try{e=r.__h,r.__h=[],e.some(function(i){i.call(r)})}catch(i){g.__e(i,r.__v)}})}function en(e){return typeof e!="object"||e==null||e.__b>0?e:se(e)?e.map(en):e.constructor!==void 0?null:M({},e)}function Pn(e,n,t,a,r,i,s,d,u){var c,p,y,l,h,f,k,w=t.props||ne,A=n.props,m=n.type;if(m=="svg"?r="http://www.w3.org/2000/svg":m=="math"?r="http://www.w3.org/1998/Math/MathML":r||(r="http://www.w3.org/1999/xhtml"),i!=null){for(c=0;c<i.length;c++)if((h=i[c])&&"setAttribute"in h==!!m&&(m?h.localName==m:h.nodeType==3)){e=h,i[c]=null;break}}if(e==null){if(m==null)return document.createTextNode(A);e=document.createElementNS(r,m,A.is&&A),d&&(g.__m&&g.__m(n,i),d=!1),i=null}if(m==null)w===A||d&&e.data==A||(e.data=A);else{if(i=m=="textarea"&&A.defaultValue!=null?null:i&&oe.call(e.childNodes),!d&&i!=null)for(w={},c=0;c<e.attributes.length;c++)w[(h=e.attributes[c]).name]=h.value;for(c in w)h=w[c],c=="dangerouslySetInnerHTML"?y=h:c=="children"||c in A||c=="value"&&"defaultValue"in A||c=="checked"&&"defaultChecked"in A||J(e,c,null,h,r);for(c in A)h=A[c],c=="children"?l=h:c=="dangerouslySetInnerHTML"?p=h:c=="value"?f=h:c=="checked"?k=h:d&&typeof h!="function"||w[c]===h||J(e,c,h,w[c],r);if(p)d||y&&(p.__html==y.__html||p.__html==e.innerHTML)||(e.innerHTML=p.__html),n.__k=[];else if(y&&(e.innerHTML=""),Je(n.type=="template"?e.content:e,se(l)?l:[l],n,t,a,m=="foreignObject"?"http://www.w3.org/1999/xhtml":r,i,s,i?i[0]:t.__k&&x(t,0),d,u),i!=null)for(c=i.length;c--;)Ae(i[c]);d&&m!="textarea"||(c="value",m=="progress"&&f==null?e.removeAttribute("value"):f!=null&&(f!==e[c]||m=="progress"&&!f||m=="option"&&f!=w[c])&&J(e,c,f,w[c],r),c="checked",k!=null&&k!=e[c]&&J(e,c,k,w[c],r))}return e}function ke(e,n,t){try{if(typeof e=="function"){var a=typeof e.__u=="function";a&&e.__u(),a&&n==null||(e.__u=e(n))}else e.current=n}catch(r){g.__e(r,t)}}function nn(e,n,t){var a,r;if(g.unmount&&g.unmount(e),(a=e.ref)&&(a.current&&a.current!=e.__e||ke(a,null,n)),(a=e.__c)!=null){if(a.componentWillUnmount)try{a.componentWillUnmount()}catch(i){g.__e(i,n)}a.base=a.__P=a.__n=null}if(a=e.__k)for(r=0;r<a.length;r++)a[r]&&nn(a[r],n,t||typeof e.type!="function");t||Ae(e.__e),e.__c=e.__=e.__e=void 0}function bn(e,n,t){return this.constructor(e,t)}function Sn(e,n,t){var a,r,i,s;n==document&&(n=document.documentElement),g.__&&g.__(e,n),r=(a=!1)?null:n.__k,i=[],s=[],we(n,e=n.__k=Dn(q,null,[e]),r||ne,ne,n.namespaceURI,r?null:n.firstChild?oe.call(n.childNodes):null,i,r?r.__e:n.firstChild,a,s),Xe(i,e,s),e.props.children=null}function tn(e){function n(t){var a,r;return this.getChildContext||(a=new Set,(r={})[n.__c]=this,this.getChildContext=function(){return r},this.componentWillUnmount=function(){a=null},this.shouldComponentUpdate=function(i){this.props.value!=i.value&&a.forEach(function(s){s.__e=!0,ge(s)})},this.sub=function(i){a.add(i);var s=i.componentWillUnmount;i.componentWillUnmount=function(){a&&a.delete(i),s&&s.call(i)}}),t.children}return n.__c="__cC"+je++,n.__=e,n.Provider=n.__l=(n.Consumer=function(t,a){return t.children(a)}).contextType=n,n}oe=te.slice,g={__e:function(e,n,t,a){for(var r,i,s;n=n.__;)if((r=n.__c)&&!r.__)try{if((i=r.constructor)&&i.getDerivedStateFromError!=null&&(r.setState(i.getDerivedStateFromError(e)),s=r.__d),r.componentDidCatch!=null&&(r.componentDidCatch(e,a||{}),s=r.__d),s)return r.__E=r}catch(d){e=d}throw e}},Be=0,X.prototype.setState=function(e,n){var t;t=this.__s!=null&&this.__s!=this.state?this.__s:this.__s=M({},this.state),typeof e=="function"&&(e=e(M({},t),this.props)),e&&M(t,e),e!=null&&this.__v&&(n&&this._sb.push(n),ge(this))},X.prototype.forceUpdate=function(e){this.__v&&(this.__e=!0,e&&this.__h.push(e),ge(this))},X.prototype.render=q,C=[],Ke=typeof Promise=="function"?Promise.prototype.then.bind(Promise.resolve()):setTimeout,Ge=function(e,n){return e.__v.__b-n.__v.__b},ae.__r=0,ce=Math.random().toString(8),Q="__d"+ce,V="__a"+ce,Ze=/(PointerCapture)$|Capture$/i,De=0,me=Te(!1),fe=Te(!0),je=0;var Rn=0;function o(e,n,t,a,r,i){n||(n={});var s,d,u=n;if("ref"in u)for(d in u={},n)d=="ref"?s=n[d]:u[d]=n[d];var c={type:e,props:u,key:t,ref:s,__k:null,__:null,__b:0,__e:null,__c:null,constructor:void 0,__v:--Rn,__i:-1,__u:0,__source:r,__self:i};if(typeof e=="function"&&(s=e.defaultProps))for(d in s)u[d]===void 0&&(u[d]=s[d]);return g.vnode&&g.vnode(c),c}var L,v,ue,xe,W=0,an=[],D=g,Le=D.__b,Ue=D.__r,qe=D.diffed,He=D.__c,Fe=D.unmount,Oe=D.__;function G(e,n){D.__h&&D.__h(v,e,W||n),W=0;var t=v.__H||(v.__H={__:[],__h:[]});return e>=t.__.length&&t.__.push({}),t.__[e]}function S(e){return W=1,Nn(ln,e)}function Nn(e,n,t){var a=G(L++,2);if(a.t=e,!a.__c&&(a.__=[ln(void 0,n),function(d){var u=a.__N?a.__N[0]:a.__[0],c=a.t(u,d);u!==c&&(a.__N=[c,a.__[1]],a.__c.setState({}))}],a.__c=v,!v.__f)){var r=function(d,u,c){if(!a.__c.__H)return!0;var p=!1,y=a.__c.props!==d;if(a.__c.__H.__.some(function(h){if(h.__N){p=!0;var f=h.__[0];h.__=h.__N,h.__N=void 0,f!==h.__[0]&&(y=!0)}}),i){var l=i.call(this,d,u,c);return p?l||y:l}return!p||y};v.__f=!0;var i=v.shouldComponentUpdate,s=v.componentWillUpdate;v.componentWillUpdate=function(d,u,c){if(this.__e){var p=i;i=void 0,r(d,u,c),i=p}s&&s.call(this,d,u,c)},v.shouldComponentUpdate=r}return a.__N||a.__}function U(e,n){var t=G(L++,3);!D.__s&&sn(t.__H,n)&&(t.__=e,t.u=n,v.__H.__h.push(t))}function rn(e){return W=5,le(function(){return{current:e}},[])}function le(e,n){var t=G(L++,7);return sn(t.__H,n)&&(t.__=e(),t.__H=n,t.__h=e),t.__}function ie(e,n){return W=8,le(function(){return e},n)}function on(e){var n=v.context[e.__c],t=G(L++,9);return t.c=e,n?(t.__==null&&(t.__=!0,n.sub(v)),n.props.value):e.__}function Z(){var e=G(L++,11);if(!e.__){for(var n=v.__v;n!==null&&!n.__m&&n.__!==null;)n=n.__;var t=n.__m||(n.__m=[0,0]);e.__="P"+t[0]+"-"+t[1]++}return e.__}function En(){for(var e;e=an.shift();){var n=e.__H;if(e.__P&&n)try{n.__h.some(ee),n.__h.some(ve),n.__h=[]}catch(t){n.__h=[],D.__e(t,e.__v)}}}D.__b=function(e){v=null,Le&&Le(e)},D.__=function(e,n){e&&n.__k&&n.__k.__m&&(e.__m=n.__k.__m),Oe&&Oe(e,n)},D.__r=function(e){Ue&&Ue(e),L=0;var n=(v=e.__c).__H;n&&(ue===v?(n.__h=[],v.__h=[],n.__.some(function(t){t.__N&&(t.__=t.__N),t.u=t.__N=void 0})):(n.__h.some(ee),n.__h.some(ve),n.__h=[],L=0)),ue=v},D.diffed=function(e){qe&&qe(e);var n=e.__c;n&&n.__H&&(n.__H.__h.length&&(an.push(n)!==1&&xe===D.requestAnimationFrame||((xe=D.requestAnimationFrame)||Mn)(En)),n.__H.__.some(function(t){t.u&&(t.__H=t.u,t.u=void 0)})),ue=v=null},D.__c=function(e,n){n.some(function(t){try{t.__h.some(ee),t.__h=t.__h.filter(function(a){return!a.__||ve(a)})}catch(a){n.some(function(r){r.__h&&(r.__h=[])}),n=[],D.__e(a,t.__v)}}),He&&He(e,n)},D.unmount=function(e){Fe&&Fe(e);var n,t=e.__c;t&&t.__H&&(t.__H.__.some(function(a){try{ee(a)}catch(r){n=r}}),t.__H=void 0,n&&D.__e(n,t.__v))};var Ve=typeof requestAnimationFrame=="function";function Mn(e){var n,t=function(){clearTimeout(a),Ve&&cancelAnimationFrame(n),setTimeout(e)},a=setTimeout(t,35);Ve&&(n=requestAnimationFrame(t))}function ee(e){var n=v,t=e.__c;typeof t=="function"&&(e.__c=void 0,t()),v=n}function ve(e){var n=v;e.__c=e.__(),v=n}function sn(e,n){return!e||e.length!==n.length||n.some(function(t,a){return t!==e[a]})}function ln(e,n){return typeof n=="function"?n(e):n}const ye=new Set;let dn=!1;function cn(){dn=!0;for(const e of ye)e()}function B(e,n={}){e!==location.pathname+location.search&&(n.replace?history.replaceState(null,"",e):history.pushState(null,"",e),window.scrollTo(0,0),cn())}function Cn(){return dn}function We(){return{path:location.pathname.replace(/\/+$/,"")||"/",query:new URLSearchParams(location.search)}}function Tn(){const[e,n]=S(We);return U(()=>{const t=()=>n(We());return ye.add(t),()=>{ye.delete(t)}},[]),e}const xn=/^\/(graphql|oauth|console|webhooks|healthz|readyz)(\/|$)/;function Ln(){window.addEventListener("popstate",cn),document.addEventListener("click",e=>{if(e.defaultPrevented||e.button!==0||e.metaKey||e.ctrlKey||e.shiftKey||e.altKey)return;const n=e.target?.closest?.("a");if(!n||n.target||n.hasAttribute("download"))return;const t=new URL(n.href,location.href);t.origin!==location.origin||xn.test(t.pathname)||t.pathname===location.pathname&&t.search===location.search&&t.hash||(e.preventDefault(),B(t.pathname+t.search))})}function $e(e,n){const t=[],a=e.replace(/:(\w+)/g,(s,d)=>(t.push(d),"([^/]+)")),r=new RegExp(`^${a}$`).exec(n);if(!r)return null;const i={};return t.forEach((s,d)=>i[s]=decodeURIComponent(r[d+1])),i}function un(e){const n=rn(null);return U(()=>{document.title=`${e.title} · Stride`,Cn()&&n.current?.focus()},[e.title]),o(q,{children:[o("div",{class:"page-head",children:[o("h1",{ref:n,tabIndex:-1,children:e.title}),e.actions&&o("div",{class:"page-actions",children:e.actions})]}),e.lead&&o("p",{class:"lead",children:e.lead}),e.children]})}function K(e){return o("p",{class:"loading",role:"status",children:["Loading",e.what?` ${e.what}`:"","…"]})}function Pe(e){return e.error?o("div",{class:"notice error",role:"alert",children:[o("p",{children:e.error.plain}),e.retry&&o("button",{type:"button",class:"secondary",onClick:e.retry,children:"Try again"})]}):null}function sa(e){return o("div",{class:`notice ${e.kind??"info"}`,role:e.live?"status":void 0,children:e.children})}function be(e){return o("div",{class:`field${e.error?" invalid":""}${e.class?` ${e.class}`:""}`,children:[o("label",{for:e.id,children:e.label}),e.hint&&o("p",{class:"hint",id:`${e.id}-hint`,children:e.hint}),e.children,e.error&&o("p",{class:"field-error",id:`${e.id}-error`,children:e.error})]})}function Se(e,n){const t=[n.hint?`${e}-hint`:"",n.error?`${e}-error`:""].filter(Boolean);return t.length?t.join(" "):void 0}function la(e){const{label:n,hint:t,error:a,class:r,...i}=e,s=`${Z()}-${e.name}`;return o(be,{id:s,label:n,hint:t,error:a,class:r,children:o("input",{id:s,"aria-invalid":a?!0:void 0,"aria-describedby":Se(s,e),...i})})}function da(e){const{label:n,hint:t,error:a,class:r,code:i,...s}=e,d=`${Z()}-${e.name}`;return o(be,{id:d,label:n,hint:t,error:a,class:r,children:o("textarea",{id:d,class:i?"code":void 0,"aria-invalid":a?!0:void 0,"aria-describedby":Se(d,e),...s})})}function ca(e){const{label:n,hint:t,error:a,options:r,class:i,...s}=e,d=`${Z()}-${e.name}`;return o(be,{id:d,label:n,hint:t,error:a,class:i,children:o("select",{id:d,"aria-invalid":a?!0:void 0,"aria-describedby":Se(d,e),...s,children:r.map(([u,c])=>o("option",{value:u,children:c},u))})})}function ua(e){const{label:n,hint:t,...a}=e,r=`${Z()}-${e.name}`;return o("div",{class:"check",children:[o("input",{type:"checkbox",id:r,"aria-describedby":t?`${r}-hint`:void 0,...a}),o("label",{for:r,children:n}),t&&o("p",{class:"hint",id:`${r}-hint`,children:t})]})}function _a(e){const n=Z();return o("fieldset",{class:`radios${e.error?" invalid":""}`,children:[o("legend",{children:e.legend}),e.options.map(([t,a])=>o("div",{class:"check",children:[o("input",{type:"radio",id:`${n}-${t}`,name:e.name,value:t,checked:e.value===void 0?void 0:e.value===t,defaultChecked:e.defaultValue===t,onChange:()=>e.onChange?.(t)}),o("label",{for:`${n}-${t}`,children:a})]},t)),e.error&&o("p",{class:"field-error",children:e.error})]})}const Un={GREEN:"Green",YELLOW:"Yellow",RED:"Red"};function ha(e){const n=e.light;return n?o("span",{class:`light ${n.toLowerCase()}${e.large?" large":""}`,children:[o("span",{class:"dot","aria-hidden":"true"}),Un[n]]}):o("span",{class:"light none",children:"No light"})}function pa(e){return o("pre",{class:"json",children:JSON.stringify(e.value,null,2)})}function ma(e){return o("dl",{class:`facts${e.class?` ${e.class}`:""}`,children:e.items.map(([n,t],a)=>o("div",{children:[o("dt",{children:n}),o("dd",{children:t})]},a))})}function fa(e){const n={};return new FormData(e).forEach((t,a)=>{typeof t=="string"&&t.trim()!==""&&(n[a]=t.trim())}),n}function qn(e){if(e===void 0||e==="")return;const n=Number(e);return Number.isFinite(n)?n:void 0}function ga(e){const n=qn(e);return n===void 0?void 0:Math.round(n)}class _ extends String{__apiType;value;__meta__;constructor(n,t){super(n),this.value=n,this.__meta__=t}toString(){return this.value}}const Hn=new _(`
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
    `,{fragmentName:"ProposalFields"}),Fn=new _(`
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
    `),On=new _(`
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
    `),Vn=new _(`
    mutation UpdateProfile($input: ProfileInput!) {
  updateProfile(input: $input) {
    id
    displayName
    units
    timeZone
  }
}
    `),Wn=new _(`
    mutation UpdateBaselines($athleteId: ID, $input: BaselinesInput!) {
  updateBaselines(athleteId: $athleteId, input: $input) {
    restingHeartRate
    maxHeartRate
  }
}
    `),Bn=new _(`
    mutation CreatePlan($athleteId: ID, $input: PlanCreateInput!) {
  createPlan(athleteId: $athleteId, input: $input) {
    id
    version
    name
  }
}
    `),Kn=new _(`
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
    `),Gn=new _(`
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
    `),Zn=new _(`
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
    `),jn=new _(`
    mutation UpdateActivity($id: ID!, $input: ActivityPatchInput!) {
  updateActivity(id: $id, input: $input) {
    id
  }
}
    `),zn=new _(`
    mutation MakePrimaryActivity($id: ID!) {
  makePrimaryActivity(id: $id) {
    id
    duplicateOf
  }
}
    `),Jn=new _(`
    mutation SeparateActivity($id: ID!) {
  separateActivity(id: $id) {
    id
    duplicateOf
  }
}
    `),Qn=new _(`
    mutation DeleteActivity($id: ID!) {
  deleteActivity(id: $id)
}
    `),Yn=new _(`
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
    `),Xn=new _(`
    query VerifyAuditLog {
  verifyAuditLog {
    checked
    intact
    firstBrokenSeq
    problem
  }
}
    `),et=new _(`
    query AuditPeople {
  users {
    id
    displayName
    email
  }
}
    `),nt=new _(`
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
    `),tt=new _(`
    mutation SetIngestionPaused($paused: Boolean!, $reason: String!) {
  setIngestionPaused(paused: $paused, reason: $reason) {
    paused
    reason
    since
  }
}
    `),at=new _(`
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
    `),it=new _(`
    mutation SetPluginEnabled($id: String!, $enabled: Boolean!, $reason: String!) {
  setPluginEnabled(id: $id, enabled: $enabled, reason: $reason) {
    id
    enabled
  }
}
    `),rt=new _(`
    mutation ResetPluginBreaker($id: String!) {
  resetPluginBreaker(id: $id) {
    id
    breaker
  }
}
    `),ot=new _(`
    mutation ReloadPlugins {
  reloadPlugins {
    id
    version
  }
}
    `),st=new _(`
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
    `),lt=new _(`
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
    `),dt=new _(`
    mutation CreateInvite($role: Role!, $email: String, $expiresInHours: Int) {
  createInvite(role: $role, email: $email, expiresInHours: $expiresInHours) {
    token
    invite {
      id
      expiresAt
    }
  }
}
    `),ct=new _(`
    mutation RevokeInvite($id: ID!) {
  revokeInvite(id: $id)
}
    `),ut=new _(`
    mutation SetUserRole($userId: ID!, $role: Role!, $reason: String) {
  setUserRole(userId: $userId, role: $role, reason: $reason) {
    id
    role
  }
}
    `),_t=new _(`
    mutation SetUserDisabled($userId: ID!, $disabled: Boolean!, $reason: String) {
  setUserDisabled(userId: $userId, disabled: $disabled, reason: $reason) {
    id
    disabledAt
  }
}
    `),ht=new _(`
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
    `),pt=new _(`
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
    `),mt=new _(`
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
    `),ft=new _(`
    mutation GrantCoachAccess($coachEmail: String!, $access: GrantAccess!) {
  grantCoachAccess(coachEmail: $coachEmail, access: $access) {
    id
  }
}
    `),gt=new _(`
    mutation RevokeCoachAccess($grantId: ID!) {
  revokeCoachAccess(grantId: $grantId) {
    id
    revokedAt
  }
}
    `),vt=new _(`
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
    `),yt=new _(`
    mutation ConnectProvider($provider: String!) {
  connectProvider(provider: $provider) {
    authorizeUrl
    expiresAt
  }
}
    `),$t=new _(`
    mutation DisconnectProvider($provider: String!) {
  disconnectProvider(provider: $provider)
}
    `),It=new _(`
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
    `),Dt=new _(`
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
    `),At=new _(`
    mutation RevokeRelayToken($id: ID!) {
  revokeRelayToken(id: $id)
}
    `),wt=new _(`
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
    `),kt=new _(`
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
}
    `),Pt=new _(`
    mutation LogActivity($athleteId: ID, $input: ActivityInput!) {
  logActivity(athleteId: $athleteId, input: $input) {
    id
    name
    rpeLoad
  }
}
    `),bt=new _(`
    mutation LogMorning($athleteId: ID, $input: DailyMetricsInput!) {
  logDailyMetrics(athleteId: $athleteId, input: $input) {
    id
    date
  }
}
    `),St=new _(`
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
    `),Rt=new _(`
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
    `),Nt=new _(`
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
    `),Et=new _(`
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
    `),Mt=new _(`
    query PlanHistory($athleteId: ID, $before: Int) {
  planHistory(athleteId: $athleteId, first: 20, before: $before) {
    version
    reason
    actorId
    createdAt
    snapshot
  }
}
    `),Ct=new _(`
    mutation RegeneratePlan($athleteId: ID, $input: PlanRegenerateInput!) {
  regeneratePlan(athleteId: $athleteId, input: $input) {
    id
    version
  }
}
    `),Tt=new _(`
    mutation ChangePassword($currentPassword: String!, $newPassword: String!) {
  changePassword(currentPassword: $currentPassword, newPassword: $newPassword) {
    expiresAt
  }
}
    `),xt=new _(`
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
}`),Lt=new _(`
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
}`),Ut=new _(`
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
}`),qt=new _(`
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
}`),Ht=new _(`
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
    `),Ft=new _(`
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
    `),Ot=new _(`
    query RuleSnapshot($athleteId: ID) {
  ruleSnapshot(athleteId: $athleteId)
}
    `),Vt=new _(`
    mutation SimulateRule($athleteId: ID, $source: String!) {
  simulateRule(athleteId: $athleteId, source: $source) {
    kind
    reason
    draft
  }
}
    `),Wt=new _(`
    mutation SaveRule($input: RuleInput!) {
  saveRule(input: $input) {
    ruleId
    version
    accepted
    problems
  }
}
    `),Bt=new _(`
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
    `),Kt=new _(`
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
    `),Gt=new _(`
    mutation SetActivityRpe($id: ID!, $rpe: Int!) {
  setActivityRpe(id: $id, rpe: $rpe) {
    id
    rpe
  }
}
    `),Zt={"\n  query MyAthletes {\n    myAthletes {\n      id\n      access\n      revokedAt\n      athlete {\n        id\n        displayName\n        timeZone\n      }\n    }\n  }\n":Fn,"\n  query Account {\n    me {\n      id\n      email\n      displayName\n      role\n      timeZone\n      units\n      createdAt\n      profile {\n        birthDate\n        sex\n        weightKg\n        heightCm\n        notifications {\n          proposals\n          riskAlerts\n          weeklySummary\n        }\n      }\n      baselines {\n        restingHeartRate\n        hrvMs\n        hrvKind\n        maxHeartRate\n        thresholdHeartRate\n      }\n    }\n  }\n":On,"\n  mutation UpdateProfile($input: ProfileInput!) {\n    updateProfile(input: $input) {\n      id\n      displayName\n      units\n      timeZone\n    }\n  }\n":Vn,"\n  mutation UpdateBaselines($athleteId: ID, $input: BaselinesInput!) {\n    updateBaselines(athleteId: $athleteId, input: $input) {\n      restingHeartRate\n      maxHeartRate\n    }\n  }\n":Wn,"\n  mutation CreatePlan($athleteId: ID, $input: PlanCreateInput!) {\n    createPlan(athleteId: $athleteId, input: $input) {\n      id\n      version\n      name\n    }\n  }\n":Bn,"\n  query Me {\n    me {\n      id\n      email\n      displayName\n      role\n      permissions\n      timeZone\n      units\n    }\n    impersonation {\n      by {\n        displayName\n        email\n      }\n      reason\n      until\n    }\n  }\n":Kn,"\n  query Activities($athleteId: ID, $from: NaiveDate, $to: NaiveDate, $first: Int, $after: String) {\n    activities(athleteId: $athleteId, from: $from, to: $to, first: $first, after: $after) {\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        name\n        sport\n        localDate\n        durationSeconds\n        distanceMeters\n        averageHeartRate\n        rpe\n        rpeLoad\n        trimp\n        source\n        hasSamples\n        private\n      }\n    }\n  }\n":Gn,"\n  query ActivityDetail($id: ID!, $points: Int) {\n    activity(id: $id) {\n      id\n      athleteId\n      source\n      externalId\n      sport\n      name\n      startTime\n      localDate\n      durationSeconds\n      movingTimeSeconds\n      distanceMeters\n      elevationGainMeters\n      averageHeartRate\n      maxHeartRate\n      rpe\n      feeling\n      notes\n      private\n      rpeLoad\n      trimp\n      loadDetail\n      hasSamples\n      createdAt\n      updatedAt\n      sportDetail\n      device\n      averagePowerWatts\n      averageCadence\n      energyKcal\n      receivedAt\n      duplicateOf\n      laps {\n        startSeconds\n        durationSeconds\n        distanceMeters\n        averageHeartRate\n        maxHeartRate\n        averagePowerWatts\n        averageCadence\n      }\n      copies {\n        id\n        source\n        externalId\n        name\n        sportDetail\n        device\n        startTime\n        durationSeconds\n        distanceMeters\n        receivedAt\n      }\n      samples(maxPoints: $points) {\n        timeSeconds\n        heartRate\n        speedMps\n        altitudeMeters\n        powerWatts\n        cadence\n      }\n      efficiency {\n        efficiencyFactor\n        firstHalfEf\n        secondHalfEf\n        decouplingPct\n        meanSpeedMPerMin\n        meanHr\n        steady\n        speedSource\n      }\n    }\n  }\n":Zn,"\n  mutation UpdateActivity($id: ID!, $input: ActivityPatchInput!) {\n    updateActivity(id: $id, input: $input) {\n      id\n    }\n  }\n":jn,"\n  mutation MakePrimaryActivity($id: ID!) {\n    makePrimaryActivity(id: $id) {\n      id\n      duplicateOf\n    }\n  }\n":zn,"\n  mutation SeparateActivity($id: ID!) {\n    separateActivity(id: $id) {\n      id\n      duplicateOf\n    }\n  }\n":Jn,"\n  mutation DeleteActivity($id: ID!) {\n    deleteActivity(id: $id)\n  }\n":Qn,"\n  query AuditLog($filter: AuditFilterInput, $first: Int, $after: String) {\n    auditLog(filter: $filter, first: $first, after: $after) {\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          seq\n          at\n          actorId\n          realActorId\n          action\n          targetKind\n          targetId\n          reason\n          payload\n          hash\n        }\n      }\n    }\n  }\n":Yn,"\n  query VerifyAuditLog {\n    verifyAuditLog {\n      checked\n      intact\n      firstBrokenSeq\n      problem\n    }\n  }\n":Xn,"\n  query AuditPeople {\n    users {\n      id\n      displayName\n      email\n    }\n  }\n":et,"\n  query AdminIngestion {\n    ingestion {\n      brake {\n        paused\n        reason\n        since\n      }\n      jobs {\n        queued\n        held\n        running\n        failed\n      }\n      rateWindows {\n        provider\n        budget\n        window\n        startsAt\n        usage\n        limit\n      }\n      rejections {\n        plugin\n        athleteId\n        externalId\n        reason\n        at\n      }\n    }\n  }\n":nt,"\n  mutation SetIngestionPaused($paused: Boolean!, $reason: String!) {\n    setIngestionPaused(paused: $paused, reason: $reason) {\n      paused\n      reason\n      since\n    }\n  }\n":tt,"\n  query AdminPlugins {\n    plugins {\n      id\n      version\n      apiVersion\n      displayName\n      contentHash\n      loadedAt\n      enabled\n      breaker\n      consecutiveFailures\n      openUntil\n      calls\n      failures\n      limits {\n        webhookDeadlineMs\n        webhookCpuMs\n        jobDeadlineMs\n        jobCpuMs\n        memoryLimitMb\n      }\n      capabilities {\n        oauth\n        oauthScopes\n        allowedHosts\n        webhookKinds\n        jobKinds\n        secrets\n      }\n      recentFailures(limit: 10) {\n        at\n        version\n        call\n        kind\n        message\n        backtrace\n      }\n    }\n    pluginLoadErrors {\n      path\n      message\n      at\n    }\n  }\n":at,"\n  mutation SetPluginEnabled($id: String!, $enabled: Boolean!, $reason: String!) {\n    setPluginEnabled(id: $id, enabled: $enabled, reason: $reason) {\n      id\n      enabled\n    }\n  }\n":it,"\n  mutation ResetPluginBreaker($id: String!) {\n    resetPluginBreaker(id: $id) {\n      id\n      breaker\n    }\n  }\n":rt,"\n  mutation ReloadPlugins {\n    reloadPlugins {\n      id\n      version\n    }\n  }\n":ot,"\n  query AdminUsers {\n    users {\n      id\n      email\n      displayName\n      role\n      createdAt\n      disabledAt\n    }\n  }\n":st,"\n  query AdminInvites {\n    invites {\n      id\n      email\n      role\n      createdAt\n      expiresAt\n      usedAt\n      revokedAt\n      status\n    }\n  }\n":lt,"\n  mutation CreateInvite($role: Role!, $email: String, $expiresInHours: Int) {\n    createInvite(role: $role, email: $email, expiresInHours: $expiresInHours) {\n      token\n      invite {\n        id\n        expiresAt\n      }\n    }\n  }\n":dt,"\n  mutation RevokeInvite($id: ID!) {\n    revokeInvite(id: $id)\n  }\n":ct,"\n  mutation SetUserRole($userId: ID!, $role: Role!, $reason: String) {\n    setUserRole(userId: $userId, role: $role, reason: $reason) {\n      id\n      role\n    }\n  }\n":ut,"\n  mutation SetUserDisabled($userId: ID!, $disabled: Boolean!, $reason: String) {\n    setUserDisabled(userId: $userId, disabled: $disabled, reason: $reason) {\n      id\n      disabledAt\n    }\n  }\n":_t,"\n  query CoachAthletes {\n    myAthletes {\n      id\n      access\n      createdAt\n      revokedAt\n      athlete {\n        id\n        displayName\n        email\n      }\n    }\n  }\n":ht,"\n  query AthleteGlance($athleteId: ID!) {\n    home(athleteId: $athleteId) {\n      date\n      readiness {\n        light\n        confidence\n        signals {\n          signal\n          light\n        }\n      }\n      alerts {\n        kind\n        date\n        value\n      }\n      workouts {\n        id\n        kind\n        state\n      }\n    }\n    proposals(athleteId: $athleteId, state: PENDING) {\n      id\n    }\n  }\n":pt,"\n  query MyCoaches {\n    myCoaches {\n      id\n      access\n      createdAt\n      revokedAt\n      coach {\n        id\n        displayName\n        email\n      }\n    }\n  }\n":mt,"\n  mutation GrantCoachAccess($coachEmail: String!, $access: GrantAccess!) {\n    grantCoachAccess(coachEmail: $coachEmail, access: $access) {\n      id\n    }\n  }\n":ft,"\n  mutation RevokeCoachAccess($grantId: ID!) {\n    revokeCoachAccess(grantId: $grantId) {\n      id\n      revokedAt\n    }\n  }\n":gt,"\n  query Connections {\n    connections {\n      provider\n      status\n      scopes\n      externalAthleteId\n      connectedAt\n      backfill {\n        status\n        pagesDone\n        activitiesDone\n        deferredUntil\n        note\n        updatedAt\n      }\n    }\n  }\n":vt,"\n  mutation ConnectProvider($provider: String!) {\n    connectProvider(provider: $provider) {\n      authorizeUrl\n      expiresAt\n    }\n  }\n":yt,"\n  mutation DisconnectProvider($provider: String!) {\n    disconnectProvider(provider: $provider)\n  }\n":$t,"\n  query RelayTokens {\n    relayTokens {\n      id\n      plugin\n      name\n      url\n      createdAt\n      lastUsedAt\n      revokedAt\n    }\n  }\n":It,"\n  mutation CreateRelayToken($plugin: String!, $name: String!) {\n    createRelayToken(plugin: $plugin, name: $name) {\n      token\n      relayToken {\n        id\n        name\n        url\n      }\n    }\n  }\n":Dt,"\n  mutation RevokeRelayToken($id: ID!) {\n    revokeRelayToken(id: $id)\n  }\n":At,"\n  mutation ImportFiles($files: [Upload!]!, $athleteId: ID) {\n    importFiles(files: $files, athleteId: $athleteId) {\n      fileName\n      filesRead\n      activities\n      duplicates\n      refused\n      problems {\n        item\n        message\n      }\n      error\n    }\n  }\n":wt,"\n  query Days($athleteId: ID, $from: NaiveDate!, $to: NaiveDate!) {\n    dailyMetrics(athleteId: $athleteId, from: $from, to: $to, first: 100) {\n      nodes {\n        id\n        date\n        source\n        restingHeartRate\n        hrvMs\n        hrvKind\n        weightKg\n        sleepDurationMinutes\n        sleepQuality\n        readiness\n        soreness\n        stress\n        mood\n        notes\n        sleep {\n          inBedMinutes\n          deepMinutes\n          lightMinutes\n          remMinutes\n          awakeMinutes\n          score\n          isFinal\n          start\n          end\n        }\n        stressScore\n        bodyBatteryHigh\n        bodyBatteryLow\n        steps\n        activeKcal\n        vo2Max\n        respiratoryRate\n        bodyFatPercent\n      }\n    }\n  }\n":kt,"\n  mutation LogActivity($athleteId: ID, $input: ActivityInput!) {\n    logActivity(athleteId: $athleteId, input: $input) {\n      id\n      name\n      rpeLoad\n    }\n  }\n":Pt,"\n  mutation LogMorning($athleteId: ID, $input: DailyMetricsInput!) {\n    logDailyMetrics(athleteId: $athleteId, input: $input) {\n      id\n      date\n    }\n  }\n":bt,"\n  query OnboardingProgress {\n    trainingPlan {\n      id\n      name\n      goalRaceDate\n    }\n    connections {\n      provider\n      status\n    }\n  }\n":St,"\n  query Performance($athleteId: ID, $from: NaiveDate!, $to: NaiveDate!) {\n    trainingStats(athleteId: $athleteId, from: $from, to: $to) {\n      convention {\n        ewma\n        acuteDays\n        chronicDays\n        monotonyDays\n        acuteLambda\n        chronicLambda\n        sdConvention\n        loadMetric\n        acwrAlert\n        monotonyAlert\n        monotonyCap\n      }\n      days {\n        date\n        load\n        acute\n        chronic\n        acwr\n        tsb\n        monotony\n        monotonyCapped\n        weeklyLoad\n        strain\n        warmingUp\n      }\n    }\n  }\n":Rt,"\n  query PlanCalendar($athleteId: ID) {\n    trainingPlan(athleteId: $athleteId) {\n      id\n      name\n      version\n      goalRaceName\n      goalRaceDate\n      goalDistanceMeters\n      startDate\n      daysPerWeek\n      longRunDay\n      updatedAt\n      phases {\n        kind\n        start\n        end\n      }\n      weeks {\n        index\n        start\n        end\n        phase\n        targetMinutes\n        deload\n      }\n      workouts {\n        id\n        date\n        kind\n        targetDurationSeconds\n        targetDistanceMeters\n        intensityZone\n        description\n        state\n        activityId\n        planVersion\n      }\n      adherence {\n        completed\n        missed\n        skipped\n        planned\n      }\n    }\n  }\n":Nt,"\n  query PlanActivities($athleteId: ID, $from: NaiveDate, $to: NaiveDate) {\n    activities(athleteId: $athleteId, from: $from, to: $to, first: 200) {\n      nodes {\n        id\n        name\n        sport\n        localDate\n        durationSeconds\n      }\n    }\n  }\n":Et,"\n  query PlanHistory($athleteId: ID, $before: Int) {\n    planHistory(athleteId: $athleteId, first: 20, before: $before) {\n      version\n      reason\n      actorId\n      createdAt\n      snapshot\n    }\n  }\n":Mt,"\n  mutation RegeneratePlan($athleteId: ID, $input: PlanRegenerateInput!) {\n    regeneratePlan(athleteId: $athleteId, input: $input) {\n      id\n      version\n    }\n  }\n":Ct,"\n  mutation ChangePassword($currentPassword: String!, $newPassword: String!) {\n    changePassword(currentPassword: $currentPassword, newPassword: $newPassword) {\n      expiresAt\n    }\n  }\n":Tt,"\n  fragment ProposalFields on Proposal {\n    id\n    athleteId\n    state\n    kind\n    reason\n    source {\n      kind\n      reference\n      version\n    }\n    receipts {\n      label\n      value\n      date\n      activityId\n    }\n    changes {\n      date\n      workoutId\n      before {\n        kind\n        targetDurationSeconds\n        targetDistanceMeters\n        intensityZone\n        description\n      }\n      after {\n        kind\n        targetDurationSeconds\n        targetDistanceMeters\n        intensityZone\n        description\n      }\n    }\n    basePlanVersion\n    createdAt\n    expiresAt\n    decidedAt\n    decisionReason\n    appliedAt\n  }\n":Hn,"\n  query Proposals($athleteId: ID, $state: ProposalState) {\n    proposals(athleteId: $athleteId, state: $state) {\n      ...ProposalFields\n    }\n  }\n":xt,"\n  subscription ProposalCreated($athleteId: ID) {\n    proposalCreated(athleteId: $athleteId) {\n      ...ProposalFields\n    }\n  }\n":Lt,"\n  mutation ConfirmProposal($id: ID!) {\n    confirmProposal(id: $id) {\n      ...ProposalFields\n    }\n  }\n":Ut,"\n  mutation RejectProposal($id: ID!, $reason: String) {\n    rejectProposal(id: $id, reason: $reason) {\n      ...ProposalFields\n    }\n  }\n":qt,"\n  query RulesInForce($athleteId: ID) {\n    rulesInForce(athleteId: $athleteId) {\n      name\n      origin\n      ruleId\n      version\n      source\n    }\n    ruleFailures(athleteId: $athleteId) {\n      rule\n      version\n      error\n      at\n    }\n  }\n":Ht,"\n  query RuleVersions($ruleId: ID!) {\n    ruleVersions(ruleId: $ruleId) {\n      version\n      status\n      source\n      fixtures\n      problems\n      createdBy\n      createdAt\n    }\n  }\n":Ft,"\n  query RuleSnapshot($athleteId: ID) {\n    ruleSnapshot(athleteId: $athleteId)\n  }\n":Ot,"\n  mutation SimulateRule($athleteId: ID, $source: String!) {\n    simulateRule(athleteId: $athleteId, source: $source) {\n      kind\n      reason\n      draft\n    }\n  }\n":Vt,"\n  mutation SaveRule($input: RuleInput!) {\n    saveRule(input: $input) {\n      ruleId\n      version\n      accepted\n      problems\n    }\n  }\n":Wt,"\n  query Today($athleteId: ID, $today: NaiveDate!) {\n    home(athleteId: $athleteId) {\n      date\n      workouts {\n        id\n        date\n        kind\n        description\n        state\n        targetDurationSeconds\n        targetDistanceMeters\n        intensityZone\n        activityId\n      }\n      readiness {\n        date\n        light\n        confidence\n        signals {\n          signal\n          light\n          reason\n          values {\n            name\n            value\n          }\n        }\n        missing {\n          signal\n          reason\n        }\n      }\n      load {\n        date\n        load\n        acute\n        chronic\n        acwr\n        tsb\n        monotony\n        monotonyCapped\n        weeklyLoad\n        strain\n        warmingUp\n        historyDays\n      }\n      alerts {\n        kind\n        date\n        value\n        threshold\n        receipts {\n          explanation\n        }\n      }\n    }\n    proposals(athleteId: $athleteId, state: PENDING) {\n      id\n    }\n    trainingPlan(athleteId: $athleteId) {\n      id\n      name\n      goalRaceDate\n    }\n    trainingStats(athleteId: $athleteId, from: $today, to: $today) {\n      convention {\n        acwrAlert\n        monotonyAlert\n      }\n    }\n  }\n":Bt,"\n  query MyTasks {\n    myTasks {\n      id\n      kind\n      createdAt\n      activity {\n        id\n        name\n        sport\n        localDate\n        durationSeconds\n      }\n    }\n  }\n":Kt,"\n  mutation SetActivityRpe($id: ID!, $rpe: Int!) {\n    setActivityRpe(id: $id, rpe: $rpe) {\n      id\n      rpe\n    }\n  }\n":Gt};function _n(e){return Zt[e]??{}}class R extends Error{constructor(n,t,a=[],r){super(n),this.code=t,this.fields=a,this.retryAfterSeconds=r,this.name="ApiError"}code;fields;retryAfterSeconds;get plain(){switch(this.code){case"RATE_LIMITED":return`Too many requests. Try again in ${this.retryAfterSeconds??"a few"} seconds.`;case"FORBIDDEN":return`Not allowed: ${this.message}`;case"NOT_FOUND":return`Not found: ${this.message}`;case"CONFLICT":return`Conflict: ${this.message}`;case"NETWORK":return"Stride could not be reached. Check the connection and try again.";case"BAD_INPUT":return this.fields.length?`Please check: ${this.fields.map(n=>`${n.field} ${n.reason}`).join("; ")}`:this.message;default:return this.message}}get byField(){const n={};for(const{field:t,reason:a}of this.fields){const r=t.split(".").pop()??t;n[r]=n[r]?`${n[r]}; ${a}`:a}return n}}function j(e){return e instanceof R?e:e instanceof Error?new R(e.message,"UNKNOWN"):new R(String(e),"UNKNOWN")}let Ie=()=>{};function jt(e){Ie=e}function hn(e){const n=Number(e.headers.get("retry-after"));return Number.isFinite(n)&&n>0?n:void 0}async function pn(e,n){let t;try{t=await fetch("/graphql",{method:"POST",credentials:"same-origin",headers:{"content-type":"application/json","x-stride-console":"1"},body:JSON.stringify({query:e.toString(),variables:n??{}})})}catch{throw new R("network error","NETWORK")}if(t.status===401)throw Ie(),new R("You are not logged in.","UNAUTHENTICATED");if(t.status===429){const i=hn(t);throw new R("too many requests","RATE_LIMITED",[],i)}let a;try{a=await t.json()}catch{throw new R(`the server answered ${t.status} ${t.statusText}`,t.status>=500?"INTERNAL":"UNKNOWN")}const r=a.errors?.[0];if(r){const i=r.extensions?.code??"UNKNOWN";i==="UNAUTHENTICATED"&&Ie();const s=a.errors.flatMap(d=>d.extensions?.fields??[]);throw new R(r.message,i,s,r.extensions?.retryAfterSeconds)}return a.data}async function mn(e,n,t){let a;try{a=await fetch(n,{method:e,credentials:"same-origin",headers:t===void 0?{"x-stride-console":"1"}:{"content-type":"application/json","x-stride-console":"1"},body:t===void 0?void 0:JSON.stringify(t)})}catch{throw new R("network error","NETWORK")}if(a.status===204)return null;const r=await a.json().catch(()=>({}));if(!a.ok){const i=r.code??(a.status===429?"RATE_LIMITED":"UNKNOWN");throw new R(r.error??`${a.status} ${a.statusText}`,i,r.fields??[],hn(a))}return r}function zt(e,n,t={}){const a=t.skip??!1,r=JSON.stringify(n??{}),[i,s]=S(void 0),[d,u]=S(void 0),[c,p]=S(!a),[y,l]=S(0);U(()=>{if(a){p(!1);return}let f=!0;return p(!0),u(void 0),pn(e,JSON.parse(r)).then(k=>{f&&(s(k),p(!1))},k=>{f&&(u(j(k)),p(!1))}),()=>{f=!1}},[e,r,y,a]);const h=ie(()=>l(f=>f+1),[]);return{data:i,error:d,loading:c,reload:h,setData:s}}function va(e){const[n,t]=S(!1),[a,r]=S(void 0),i=rn(e);return i.current=e,{run:ie(async(...d)=>{t(!0),r(void 0);try{return await i.current(...d)}catch(u){r(j(u));return}finally{t(!1)}},[]),busy:n,error:a,clear:()=>r(void 0)}}const Jt=_n(`
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
`),fn=tn(null);function gn(){const e=on(fn);if(!e)throw new Error("useSession outside a logged-in page");return e}function ya(){return gn().me}const Re=tn(null);function $a(){const e=on(Re);if(!e)throw new Error("useScope outside an athlete page");return e}function Ne(e){return e.role==="ATHLETE"||e.role==="COACH"}function b(e,n){return e.permissions.includes(n)}const Qt={refresh:async()=>{}},_e=new Map;function re(e){const[n,t]=S(()=>_e.get(e.loader)),[a,r]=S();if(U(()=>{const s=_e.get(e.loader);if(s){t(()=>s);return}let d=!0;return t(void 0),e.loader().then(u=>{_e.set(e.loader,u),d&&t(()=>u)},u=>d&&r(new R(`This page could not be loaded (${j(u).message}). Reload to try again.`,"NETWORK"))),()=>{d=!1}},[e.loader]),a)return o(Pe,{error:a});if(!n)return o(K,{});const i=n.default;return o(i,{params:e.params})}const I={login:()=>$(()=>import("./login-C360zmwB.js"),__vite__mapDeps([0,1])),signup:()=>$(()=>import("./signup-B7YO62DT.js"),__vite__mapDeps([2,1])),onboarding:()=>$(()=>import("./onboarding-CXNrXV-x.js"),__vite__mapDeps([3,4,5,6,7,1])),profile:()=>$(()=>import("./profile-DAuBZGDm.js"),__vite__mapDeps([8,4,5,1])),settings:()=>$(()=>import("./settings-EUkyfy5j.js"),__vite__mapDeps([9,4,5,1])),today:()=>$(()=>import("./today-kAszNW8k.js"),__vite__mapDeps([10,5,11,1])),performance:()=>$(()=>import("./performance-CqP8Kfx3.js"),__vite__mapDeps([12,13,14,5,11,1])),activities:()=>$(()=>import("./activities-pmWTSqgo.js"),__vite__mapDeps([15,5,1])),activity:()=>$(()=>import("./activity-ECYDIIBH.js"),__vite__mapDeps([16,13,14,5,1])),days:()=>$(()=>import("./days-2i_06-7C.js"),__vite__mapDeps([17,5,1])),plan:()=>$(()=>import("./plan-Bq4Rxstk.js"),__vite__mapDeps([18,6,5,1])),proposals:()=>$(()=>import("./proposals-BmVQqb6k.js"),__vite__mapDeps([19,5,1])),log:()=>$(()=>import("./log-XY9f9Z9B.js"),__vite__mapDeps([20,5,15,1])),connections:()=>$(()=>import("./connections-BIFXDIL1.js"),__vite__mapDeps([7,5,1])),coaches:()=>$(()=>import("./coaches-C-IkZFX2.js"),__vite__mapDeps([21,5,1])),athletes:()=>$(()=>import("./athletes-WA9Y7BIh.js"),__vite__mapDeps([22,5,1])),rules:()=>$(()=>import("./rules-Dh-c2Mgz.js"),__vite__mapDeps([23,5,1])),audit:()=>$(()=>import("./admin-audit-g1C_HqSe.js"),__vite__mapDeps([24,5,1])),users:()=>$(()=>import("./admin-users-DlTy3cCU.js"),__vite__mapDeps([25,5,1])),plugins:()=>$(()=>import("./admin-plugins-BY2qzzAH.js"),__vite__mapDeps([26,5,1])),ingestion:()=>$(()=>import("./admin-ingestion-B2mGkC-g.js"),__vite__mapDeps([27,5,1]))},vn=[["",I.today],["/performance",I.performance],["/activities",I.activities],["/activities/:id",I.activity],["/days",I.days],["/plan",I.plan],["/proposals",I.proposals],["/log",I.log],["/rules",I.rules]],Yt=[["/onboarding",I.onboarding],["/profile",I.profile],["/settings",I.settings],["/connections",I.connections],["/coaches",I.coaches],["/athletes",I.athletes],["/admin/audit",I.audit],["/admin/users",I.users],["/admin/plugins",I.plugins],["/admin/ingestion",I.ingestion]];function he(e){return Ne(e)?"/":b(e,"READ_AUDIT")?"/admin/audit":b(e,"MANAGE_USERS")||b(e,"INVITE_USERS")?"/admin/users":"/profile"}const yn=new Set(["/login","/signup"]);function Xt(){const e=Tn(),[n,t]=S(void 0),[a,r]=S(),i=ie(async()=>{try{const u=await pn(Jt,{});t({...u.me,impersonation:u.impersonation}),r(void 0)}catch(u){const c=j(u);c.code==="UNAUTHENTICATED"?t(null):r(c)}},[]);U(()=>{Qt.refresh=i,jt(()=>t(null)),i()},[i]);const s=ie(async()=>{try{await mn("DELETE","/console/session")}finally{t(null),B("/login",{replace:!0})}},[]);U(()=>{if(n===null&&!yn.has(e.path)){const u=e.path==="/"?"":`?next=${encodeURIComponent(e.path+(e.query.size?`?${e.query}`:""))}`;B(`/login${u}`,{replace:!0})}},[n,e.path]);const d=le(()=>n?{me:n,refresh:i,logout:s}:null,[n,i,s]);if(a)return o("main",{id:"main",class:"narrow",children:[o("h1",{children:"Stride"}),o(Pe,{error:a,retry:()=>{i()}})]});if(n===void 0)return o(K,{what:"Stride"});if(!d){const u=e.path==="/signup"?I.signup:I.login;return o(q,{children:[o("a",{class:"skip",href:"#main",children:"Skip to content"}),o("header",{class:"top",children:o("span",{class:"brand",children:"Stride"})}),o("main",{id:"main",tabIndex:-1,class:"narrow",children:o(re,{loader:u,params:{}},e.path)})]})}return o(fn.Provider,{value:d,children:o(ea,{me:n,path:e.path})})}function ea(e){const{me:n,path:t}=e,[a,r]=S(!1);if(U(()=>r(!1),[t]),yn.has(t)){const d=new URLSearchParams(location.search).get("next");return B(d&&d.startsWith("/")&&!d.startsWith("//")?d:he(n),{replace:!0}),o(K,{})}if(t==="/"&&!Ne(n))return B(he(n),{replace:!0}),o(K,{});let i=null;const s=/^\/athletes\/([^/]+)(\/.*)?$/.exec(t);if(s)i=o(ra,{athleteId:decodeURIComponent(s[1]),rest:s[2]??""});else{for(const[d,u]of Yt){const c=$e(d,t);if(c){i=o(re,{loader:u,params:c});break}}if(!i){const d=ta(n);for(const[u,c]of vn){const p=$e(u||"/",t);if(p&&u!=="/rules"){i=o(Re.Provider,{value:d,children:o(re,{loader:c,params:p})});break}}}}return o(q,{children:[o("a",{class:"skip",href:"#main",children:"Skip to content"}),n.impersonation&&o(na,{me:n}),o("header",{class:"top",children:[o("a",{class:"brand",href:he(n),children:"Stride"}),o("button",{type:"button",class:"menu-toggle","aria-expanded":a,"aria-controls":"main-nav",onClick:()=>r(!a),children:"Menu"}),o(aa,{me:n,path:t,open:a})]}),o("main",{id:"main",tabIndex:-1,children:i??o($n,{})})]})}function na(e){const n=e.me.impersonation,[t,a]=S(),r=async()=>{try{await mn("DELETE","/console/impersonation"),location.assign("/admin/users")}catch(i){a(j(i))}};return o("div",{class:"impersonation",role:"status",children:[o("p",{children:[o("strong",{children:[n.by.displayName," is acting as ",e.me.displayName]})," ","(",e.me.email,") until ",new Date(n.until).toLocaleTimeString(),". Reason: “",n.reason,"”. Everything done here is audited under both names."]}),o("button",{type:"button",class:"small",onClick:()=>{r()},children:["Stop acting as ",e.me.displayName]}),t&&o("p",{role:"alert",children:t.message})]})}function ta(e){return{athleteId:null,name:e.displayName,canWrite:!0,base:"",timeZone:e.timeZone,self:!0}}function P(e){const n=e.exact?e.path===e.href:e.path===e.href||e.path.startsWith(`${e.href}/`);return o("li",{children:o("a",{href:e.href,"aria-current":n?"page":void 0,children:e.children})})}function aa(e){const{me:n,path:t}=e,{logout:a}=gn(),r=b(n,"READ_AUDIT")||b(n,"MANAGE_USERS")||b(n,"INVITE_USERS")||b(n,"MANAGE_PLUGINS")||b(n,"MANAGE_INGESTION");return o("nav",{id:"main-nav","aria-label":"Main",class:e.open?"open":"",children:[Ne(n)&&o("ul",{"aria-label":"Training",children:[o(P,{href:"/",path:t,exact:!0,children:"Today"}),o(P,{href:"/performance",path:t,children:"Performance"}),o(P,{href:"/activities",path:t,children:"Activities"}),o(P,{href:"/days",path:t,children:"Days"}),o(P,{href:"/plan",path:t,children:"Plan"}),o(P,{href:"/proposals",path:t,children:"Proposals"}),o(P,{href:"/log",path:t,children:"Log"}),o(P,{href:"/connections",path:t,children:"Connections"}),o(P,{href:"/coaches",path:t,children:"Coaches"})]}),b(n,"COACH_ATHLETES")&&o("ul",{"aria-label":"Coaching",children:o(P,{href:"/athletes",path:t,children:"Athletes"})}),r&&o("ul",{"aria-label":"Administration",children:[b(n,"READ_AUDIT")&&o(P,{href:"/admin/audit",path:t,children:"Audit log"}),(b(n,"MANAGE_USERS")||b(n,"INVITE_USERS"))&&o(P,{href:"/admin/users",path:t,children:"Users"}),b(n,"MANAGE_PLUGINS")&&o(P,{href:"/admin/plugins",path:t,children:"Plugins"}),b(n,"MANAGE_INGESTION")&&o(P,{href:"/admin/ingestion",path:t,children:"Ingestion"})]}),o("ul",{"aria-label":"Account",class:"account",children:[o(P,{href:"/profile",path:t,children:"Profile"}),o(P,{href:"/settings",path:t,children:"Settings"}),o("li",{children:o("button",{type:"button",class:"link",onClick:()=>{a()},children:["Log out ",o("span",{class:"who",children:["(",n.displayName,")"]})]})})]})]})}const ia=_n(`
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
`);function ra(e){const n=zt(ia,{}),t=n.data?.myAthletes.find(s=>s.athlete.id===e.athleteId&&!s.revokedAt),a=le(()=>t?{athleteId:t.athlete.id,name:t.athlete.displayName,canWrite:t.access==="READ_WRITE",base:`/athletes/${t.athlete.id}`,timeZone:t.athlete.timeZone,self:!1}:null,[t?.id,t?.access]);if(n.error)return o(Pe,{error:n.error,retry:n.reload});if(!n.data)return o(K,{what:"athlete"});if(!a)return o(un,{title:"No access",children:[o("p",{children:"This athlete has not granted you access, or the grant was revoked."}),o("p",{children:o("a",{href:"/athletes",children:"Back to your athletes"})})]});let r=null;for(const[s,d]of vn){if(s==="/log"&&!a.canWrite)continue;const u=$e(s||"",e.rest);if(u){r=o(re,{loader:d,params:u});break}}const i=[["","Today"],["/performance","Performance"],["/activities","Activities"],["/days","Days"],["/plan","Plan"],["/proposals","Proposals"],...a.canWrite?[["/log","Log"]]:[],["/rules","Rules"]];return o(Re.Provider,{value:a,children:[o("div",{class:"athlete-bar",children:[o("p",{children:[o("a",{href:"/athletes",children:"Athletes"})," › ",o("strong",{children:a.name})," ",o("span",{class:`access ${a.canWrite?"rw":"ro"}`,children:a.canWrite?"read-write access":"read-only access"})]}),o("nav",{"aria-label":`${a.name}'s pages`,children:o("ul",{class:"tabs",children:i.map(([s,d])=>{const u=`${a.base}${s}`,c=s===""?e.rest==="":e.rest===s||e.rest.startsWith(`${s}/`);return o("li",{children:o("a",{href:u,"aria-current":c?"page":void 0,children:d})},s)})})})]}),r??o($n,{})]})}function $n(){return o(un,{title:"Page not found",children:o("p",{children:["There is no page at ",o("code",{children:location.pathname}),". ",o("a",{href:"/",children:"Go to the start page"}),"."]})})}Ln();const pe=document.getElementById("app");pe&&(pe.textContent="",Sn(o(Xt,{}),pe));export{R as A,ua as C,Pe as E,ma as F,la as I,pa as J,K as L,sa as N,un as P,_a as R,q as S,le as T,o as a,Qt as b,Tn as c,S as d,zt as e,fa as f,_n as g,gn as h,ca as i,qn as j,ga as k,j as l,$a as m,B as n,ya as o,ha as p,rn as q,pn as r,mn as s,Ne as t,va as u,U as v,da as w,b as x};
