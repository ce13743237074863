const __vite__mapDeps=(i,m=__vite__mapDeps,d=(m.f||(m.f=["assets/login-CMT5JxSy.js","assets/preload-helper-CVfkMyKi.js","assets/signup-Z2uYT8G-.js","assets/onboarding-DSBjUDOF.js","assets/account-BUmANsdc.js","assets/format-B2pNWweT.js","assets/plan-form-CqgdmKuo.js","assets/connections-D55ijNZI.js","assets/profile-B2gPAQj6.js","assets/settings-D3iEBHYd.js","assets/today-CMxXzDmu.js","assets/load-u1SkvV39.js","assets/performance-CYG0Q-Di.js","assets/chart-CDkcxLXa.js","assets/chart-Saz_VHki.css","assets/activities-Bf24OKJc.js","assets/activity-Pldmin8x.js","assets/plan-4XEIw9jH.js","assets/proposals-KihqNpjf.js","assets/log-BVUETHTw.js","assets/coaches-DR9xfSOl.js","assets/athletes-BlB5qTki.js","assets/rules-B66wLpzv.js","assets/admin-audit-DZCUaimF.js","assets/admin-users-DJJ7JIWQ.js","assets/admin-plugins-CUGLpGyy.js","assets/admin-ingestion-C_pG4Ffd.js"])))=>i.map(i=>d[i]);
import{_ as $}from"./preload-helper-CVfkMyKi.js";var ae,g,Be,T,Ce,Ge,Ze,ce,J,V,je,De,fe,me,Ke,ee={},ne=[],$n=/acit|ex(?:s|g|n|p|$)|rph|grid|ows|mnc|ntw|ine[ch]|zoo|^ord|itera/i,oe=Array.isArray;function C(e,n){for(var t in n)e[t]=n[t];return e}function Ae(e){e&&e.parentNode&&e.parentNode.removeChild(e)}function In(e,n,t){var r,a,i,s={};for(i in n)i=="key"?r=n[i]:i=="ref"?a=n[i]:s[i]=n[i];if(arguments.length>2&&(s.children=arguments.length>3?ae.call(arguments,2):t),typeof e=="function"&&e.defaultProps!=null)for(i in e.defaultProps)s[i]===void 0&&(s[i]=e.defaultProps[i]);return Q(e,s,r,a,null)}function Q(e,n,t,r,a){var i={type:e,props:n,key:t,ref:r,__k:null,__:null,__b:0,__e:null,__c:null,constructor:void 0,__v:a??++Be,__i:-1,__u:0};return a==null&&g.vnode!=null&&g.vnode(i),i}function q(e){return e.children}function Y(e,n){this.props=e,this.context=n}function x(e,n){if(n==null)return e.__?x(e.__,e.__i+1):null;for(var t;n<e.__k.length;n++)if((t=e.__k[n])!=null&&t.__e!=null)return t.__e;return typeof e.type=="function"?x(e):null}function Dn(e){if(e.__P&&e.__d){var n=e.__v,t=n.__e,r=[],a=[],i=C({},n);i.__v=n.__v+1,g.vnode&&g.vnode(i),we(e.__P,i,n,e.__n,e.__P.namespaceURI,32&n.__u?[t]:null,r,t??x(n),!!(32&n.__u),a),i.__v=n.__v,i.__.__k[i.__i]=i,Xe(r,i,a),n.__e=n.__=null,i.__e!=t&&ze(i)}}function ze(e){if((e=e.__)!=null&&e.__c!=null)return e.__e=e.__c.base=null,e.__k.some(function(n){if(n!=null&&n.__e!=null)return e.__e=e.__c.base=n.__e}),ze(e)}function ge(e){(!e.__d&&(e.__d=!0)&&T.push(e)&&!te.__r++||Ce!=g.debounceRendering)&&((Ce=g.debounceRendering)||Ge)(te)}function te(){try{for(var e,n=1;T.length;)T.length>n&&T.sort(Ze),e=T.shift(),n=T.length,Dn(e)}finally{T.length=te.__r=0}}function Je(e,n,t,r,a,i,s,d,u,c,p){var y,l,h,m,P,w,A=r&&r.__k||ne,f=n.length;for(u=An(t,n,A,u,f),y=0;y<f;y++)(h=t.__k[y])!=null&&(l=h.__i!=-1&&A[h.__i]||ee,h.__i=y,w=we(e,h,l,a,i,s,d,u,c,p),m=h.__e,h.ref&&l.ref!=h.ref&&(l.ref&&Pe(l.ref,null,h),p.push(h.ref,h.__c||m,h)),P==null&&m!=null&&(P=m),4&h.__u?(u=Qe(h,u,e),l.__e&&(l.__e=null)):typeof h.type=="function"&&w!==void 0?u=w:m&&(u=m.nextSibling),h.__u&=-7);return t.__e=P,u}function An(e,n,t,r,a){var i,s,d,u,c,p=t.length,y=p,l=0;for(e.__k=new Array(a),i=0;i<a;i++)(s=n[i])!=null&&typeof s!="boolean"&&typeof s!="function"?(typeof s=="string"||typeof s=="number"||typeof s=="bigint"||s.constructor==String?s=e.__k[i]=Q(null,s,null,null,null):oe(s)?s=e.__k[i]=Q(q,{children:s},null,null,null):s.constructor===void 0&&s.__b>0?s=e.__k[i]=Q(s.type,s.props,s.key,s.ref?s.ref:null,s.__v):e.__k[i]=s,u=i+l,s.__=e,s.__b=e.__b+1,d=null,(c=s.__i=wn(s,t,u,y))!=-1&&(y--,(d=t[c])&&(d.__u|=2)),d==null||d.__v==null?(c==-1&&(a>p?l--:a<p&&l++),typeof s.type!="function"&&(s.__u|=4)):c!=u&&(c==u-1?l--:c==u+1?l++:(c>u?l--:l++,s.__u|=4))):e.__k[i]=null;if(y)for(i=0;i<p;i++)(d=t[i])!=null&&(2&d.__u)==0&&(d.__e==r&&(r=x(d)),nn(d,d));return r}function Qe(e,n,t){var r,a;if(typeof e.type=="function"){for(r=e.__k,a=0;r&&a<r.length;a++)r[a]&&(r[a].__=e,n=Qe(r[a],n,t));return n}e.__e!=n&&(n&&e.type&&!n.parentNode&&(n=x(e)),n=t.insertBefore(e.__e,n||null));do n=n&&n.nextSibling;while(n!=null&&n.nodeType==8);return n}function wn(e,n,t,r){var a,i,s,d=e.key,u=e.type,c=n[t],p=c!=null&&(2&c.__u)==0;if(c===null&&d==null||p&&d==c.key&&u==c.type)return t;if(r>(p?1:0)){for(a=t-1,i=t+1;a>=0||i<n.length;)if((c=n[s=a>=0?a--:i++])!=null&&(2&c.__u)==0&&d==c.key&&u==c.type)return s}return-1}function Te(e,n,t){n[0]=="-"?e.setProperty(n,t??""):e[n]=t==null?"":typeof t!="number"||$n.test(n)?t:t+"px"}function z(e,n,t,r,a){var i,s;e:if(n=="style")if(typeof t=="string")e.style.cssText=t;else{if(typeof r=="string"&&(e.style.cssText=r=""),r)for(n in r)t&&n in t||Te(e.style,n,"");if(t)for(n in t)r&&t[n]==r[n]||Te(e.style,n,t[n])}else if(n[0]=="o"&&n[1]=="n")i=n!=(n=n.replace(je,"$1")),s=n.toLowerCase(),n=s in e||n=="onFocusOut"||n=="onFocusIn"?s.slice(2):n.slice(2),e.l||(e.l={}),e.l[n+i]=t,t?r?t[V]=r[V]:(t[V]=De,e.addEventListener(n,i?me:fe,i)):e.removeEventListener(n,i?me:fe,i);else{if(a=="http://www.w3.org/2000/svg")n=n.replace(/xlink(H|:h)/,"h").replace(/sName$/,"s");else if(n!="width"&&n!="height"&&n!="href"&&n!="list"&&n!="form"&&n!="tabIndex"&&n!="download"&&n!="rowSpan"&&n!="colSpan"&&n!="role"&&n!="popover"&&n in e)try{e[n]=t??"";break e}catch{}typeof t=="function"||(t==null||t===!1&&n[4]!="-"?e.removeAttribute(n):e.setAttribute(n,n=="popover"&&t==1?"":t))}}function Me(e){return function(n){if(this.l){var t=this.l[n.type+e];if(n[J]==null)n[J]=De++;else if(n[J]<t[V])return;return t(g.event?g.event(n):n)}}}function we(e,n,t,r,a,i,s,d,u,c){var p,y,l,h,m,P,w,A,f,E,F,M,O,Ne,K,de,N=n.type;if(n.constructor!==void 0)return null;128&t.__u&&(u=!!(32&t.__u),i=[d=n.__e=t.__e]),(p=g.__b)&&p(n);e:if(typeof N=="function"){y=s.length;try{if(f=n.props,E=N.prototype&&N.prototype.render,F=(p=N.contextType)&&r[p.__c],M=p?F?F.props.value:p.__:r,t.__c?A=(l=n.__c=t.__c).__=l.__E:(E?n.__c=l=new N(f,M):(n.__c=l=new Y(f,M),l.constructor=N,l.render=bn),F&&F.sub(l),l.state||(l.state={}),l.__n=r,h=l.__d=!0,l.__h=[],l._sb=[]),E&&l.__s==null&&(l.__s=l.state),E&&N.getDerivedStateFromProps!=null&&(l.__s==l.state&&(l.__s=C({},l.__s)),C(l.__s,N.getDerivedStateFromProps(f,l.__s))),m=l.props,P=l.state,l.__v=n,h)E&&N.getDerivedStateFromProps==null&&l.componentWillMount!=null&&l.componentWillMount(),E&&l.componentDidMount!=null&&l.__h.push(l.componentDidMount);else{if(E&&N.getDerivedStateFromProps==null&&f!==m&&l.componentWillReceiveProps!=null&&l.componentWillReceiveProps(f,M),n.__v==t.__v||!l.__e&&l.shouldComponentUpdate!=null&&l.shouldComponentUpdate(f,l.__s,M)===!1){n.__v!=t.__v&&(l.props=f,l.state=l.__s,l.__d=!1),n.__e=t.__e,n.__k=t.__k,n.__k.some(function(H){H&&(H.__=n)}),ne.push.apply(l.__h,l._sb),l._sb=[],l.__h.length&&s.push(l),d=x(t);break e}l.componentWillUpdate!=null&&l.componentWillUpdate(f,l.__s,M),E&&l.componentDidUpdate!=null&&l.__h.push(function(){l.componentDidUpdate(m,P,w)})}if(l.context=M,l.props=f,l.__P=e,l.__e=!1,O=g.__r,Ne=0,E)l.state=l.__s,l.__d=!1,O&&O(n),p=l.render(l.props,l.state,l.context),ne.push.apply(l.__h,l._sb),l._sb=[];else do l.__d=!1,O&&O(n),p=l.render(l.props,l.state,l.context),l.state=l.__s;while(l.__d&&++Ne<25);l.state=l.__s,l.getChildContext!=null&&(r=C(C({},r),l.getChildContext())),E&&!h&&l.getSnapshotBeforeUpdate!=null&&(w=l.getSnapshotBeforeUpdate(m,P)),K=p!=null&&p.type===q&&p.key==null?en(p.props.children):p,d=Je(e,oe(K)?K:[K],n,t,r,a,i,s,d,u,c),l.base=n.__e,n.__u&=-161,l.__h.length&&s.push(l),A&&(l.__E=l.__=null)}catch(H){if(s.length=y,n.__v=null,u||i!=null){if(H.then){for(n.__u|=u?160:128;d&&d.nodeType==8&&d.nextSibling;)d=d.nextSibling;i!=null&&(i[i.indexOf(d)]=null),n.__e=d}else if(i!=null)for(de=i.length;de--;)Ae(i[de])}else n.__e=t.__e;n.__k==null&&(n.__k=t.__k||[]),H.then||Ye(n),g.__e(H,n,t)}}else i==null&&n.__v==t.__v?(n.__k=t.__k,n.__e=t.__e):d=n.__e=Pn(t.__e,n,t,r,a,i,s,u,c);return(p=g.diffed)&&p(n),128&n.__u?void 0:d}function Ye(e){e&&(e.__c&&(e.__c.__e=!0),e.__k&&e.__k.some(Ye))}function Xe(e,n,t){for(var r=0;r<t.length;r++)Pe(t[r],t[++r],t[++r]);g.__c&&g.__c(n,e),e.some(function(a){try{e=a.__h,a.__h=[],e.some(function(i){i.call(a)})}catch(i){g.__e(i,a.__v)}})}function en(e){return typeof e!="object"||e==null||e.__b>0?e:oe(e)?e.map(en):e.constructor!==void 0?null:C({},e)}function Pn(e,n,t,r,a,i,s,d,u){var c,p,y,l,h,m,P,w=t.props||ee,A=n.props,f=n.type;if(f=="svg"?a="http://www.w3.org/2000/svg":f=="math"?a="http://www.w3.org/1998/Math/MathML":a||(a="http://www.w3.org/1999/xhtml"),i!=null){for(c=0;c<i.length;c++)if((h=i[c])&&"setAttribute"in h==!!f&&(f?h.localName==f:h.nodeType==3)){e=h,i[c]=null;break}}if(e==null){if(f==null)return document.createTextNode(A);e=document.createElementNS(a,f,A.is&&A),d&&(g.__m&&g.__m(n,i),d=!1),i=null}if(f==null)w===A||d&&e.data==A||(e.data=A);else{if(i=f=="textarea"&&A.defaultValue!=null?null:i&&ae.call(e.childNodes),!d&&i!=null)for(w={},c=0;c<e.attributes.length;c++)w[(h=e.attributes[c]).name]=h.value;for(c in w)h=w[c],c=="dangerouslySetInnerHTML"?y=h:c=="children"||c in A||c=="value"&&"defaultValue"in A||c=="checked"&&"defaultChecked"in A||z(e,c,null,h,a);for(c in A)h=A[c],c=="children"?l=h:c=="dangerouslySetInnerHTML"?p=h:c=="value"?m=h:c=="checked"?P=h:d&&typeof h!="function"||w[c]===h||z(e,c,h,w[c],a);if(p)d||y&&(p.__html==y.__html||p.__html==e.innerHTML)||(e.innerHTML=p.__html),n.__k=[];else if(y&&(e.innerHTML=""),Je(n.type=="template"?e.content:e,oe(l)?l:[l],n,t,r,f=="foreignObject"?"http://www.w3.org/1999/xhtml":a,i,s,i?i[0]:t.__k&&x(t,0),d,u),i!=null)for(c=i.length;c--;)Ae(i[c]);d&&f!="textarea"||(c="value",f=="progress"&&m==null?e.removeAttribute("value"):m!=null&&(m!==e[c]||f=="progress"&&!m||f=="option"&&m!=w[c])&&z(e,c,m,w[c],a),c="checked",P!=null&&P!=e[c]&&z(e,c,P,w[c],a))}return e}function Pe(e,n,t){try{if(typeof e=="function"){var r=typeof e.__u=="function";r&&e.__u(),r&&n==null||(e.__u=e(n))}else e.current=n}catch(a){g.__e(a,t)}}function nn(e,n,t){var r,a;if(g.unmount&&g.unmount(e),(r=e.ref)&&(r.current&&r.current!=e.__e||Pe(r,null,n)),(r=e.__c)!=null){if(r.componentWillUnmount)try{r.componentWillUnmount()}catch(i){g.__e(i,n)}r.base=r.__P=r.__n=null}if(r=e.__k)for(a=0;a<r.length;a++)r[a]&&nn(r[a],n,t||typeof e.type!="function");t||Ae(e.__e),e.__c=e.__=e.__e=void 0}function bn(e,n,t){return this.constructor(e,t)}function kn(e,n,t){var r,a,i,s;n==document&&(n=document.documentElement),g.__&&g.__(e,n),a=(r=!1)?null:n.__k,i=[],s=[],we(n,e=n.__k=In(q,null,[e]),a||ee,ee,n.namespaceURI,a?null:n.firstChild?ae.call(n.childNodes):null,i,a?a.__e:n.firstChild,r,s),Xe(i,e,s),e.props.children=null}function tn(e){function n(t){var r,a;return this.getChildContext||(r=new Set,(a={})[n.__c]=this,this.getChildContext=function(){return a},this.componentWillUnmount=function(){r=null},this.shouldComponentUpdate=function(i){this.props.value!=i.value&&r.forEach(function(s){s.__e=!0,ge(s)})},this.sub=function(i){r.add(i);var s=i.componentWillUnmount;i.componentWillUnmount=function(){r&&r.delete(i),s&&s.call(i)}}),t.children}return n.__c="__cC"+Ke++,n.__=e,n.Provider=n.__l=(n.Consumer=function(t,r){return t.children(r)}).contextType=n,n}ae=ne.slice,g={__e:function(e,n,t,r){for(var a,i,s;n=n.__;)if((a=n.__c)&&!a.__)try{if((i=a.constructor)&&i.getDerivedStateFromError!=null&&(a.setState(i.getDerivedStateFromError(e)),s=a.__d),a.componentDidCatch!=null&&(a.componentDidCatch(e,r||{}),s=a.__d),s)return a.__E=a}catch(d){e=d}throw e}},Be=0,Y.prototype.setState=function(e,n){var t;t=this.__s!=null&&this.__s!=this.state?this.__s:this.__s=C({},this.state),typeof e=="function"&&(e=e(C({},t),this.props)),e&&C(t,e),e!=null&&this.__v&&(n&&this._sb.push(n),ge(this))},Y.prototype.forceUpdate=function(e){this.__v&&(this.__e=!0,e&&this.__h.push(e),ge(this))},Y.prototype.render=q,T=[],Ge=typeof Promise=="function"?Promise.prototype.then.bind(Promise.resolve()):setTimeout,Ze=function(e,n){return e.__v.__b-n.__v.__b},te.__r=0,ce=Math.random().toString(8),J="__d"+ce,V="__a"+ce,je=/(PointerCapture)$|Capture$/i,De=0,fe=Me(!1),me=Me(!0),Ke=0;var Sn=0;function o(e,n,t,r,a,i){n||(n={});var s,d,u=n;if("ref"in u)for(d in u={},n)d=="ref"?s=n[d]:u[d]=n[d];var c={type:e,props:u,key:t,ref:s,__k:null,__:null,__b:0,__e:null,__c:null,constructor:void 0,__v:--Sn,__i:-1,__u:0,__source:a,__self:i};if(typeof e=="function"&&(s=e.defaultProps))for(d in s)u[d]===void 0&&(u[d]=s[d]);return g.vnode&&g.vnode(c),c}var L,v,ue,xe,W=0,rn=[],I=g,Le=I.__b,Ue=I.__r,qe=I.diffed,He=I.__c,Fe=I.unmount,Oe=I.__;function Z(e,n){I.__h&&I.__h(v,e,W||n),W=0;var t=v.__H||(v.__H={__:[],__h:[]});return e>=t.__.length&&t.__.push({}),t.__[e]}function S(e){return W=1,Rn(ln,e)}function Rn(e,n,t){var r=Z(L++,2);if(r.t=e,!r.__c&&(r.__=[ln(void 0,n),function(d){var u=r.__N?r.__N[0]:r.__[0],c=r.t(u,d);u!==c&&(r.__N=[c,r.__[1]],r.__c.setState({}))}],r.__c=v,!v.__f)){var a=function(d,u,c){if(!r.__c.__H)return!0;var p=!1,y=r.__c.props!==d;if(r.__c.__H.__.some(function(h){if(h.__N){p=!0;var m=h.__[0];h.__=h.__N,h.__N=void 0,m!==h.__[0]&&(y=!0)}}),i){var l=i.call(this,d,u,c);return p?l||y:l}return!p||y};v.__f=!0;var i=v.shouldComponentUpdate,s=v.componentWillUpdate;v.componentWillUpdate=function(d,u,c){if(this.__e){var p=i;i=void 0,a(d,u,c),i=p}s&&s.call(this,d,u,c)},v.shouldComponentUpdate=a}return r.__N||r.__}function U(e,n){var t=Z(L++,3);!I.__s&&sn(t.__H,n)&&(t.__=e,t.u=n,v.__H.__h.push(t))}function an(e){return W=5,se(function(){return{current:e}},[])}function se(e,n){var t=Z(L++,7);return sn(t.__H,n)&&(t.__=e(),t.__H=n,t.__h=e),t.__}function re(e,n){return W=8,se(function(){return e},n)}function on(e){var n=v.context[e.__c],t=Z(L++,9);return t.c=e,n?(t.__==null&&(t.__=!0,n.sub(v)),n.props.value):e.__}function j(){var e=Z(L++,11);if(!e.__){for(var n=v.__v;n!==null&&!n.__m&&n.__!==null;)n=n.__;var t=n.__m||(n.__m=[0,0]);e.__="P"+t[0]+"-"+t[1]++}return e.__}function En(){for(var e;e=rn.shift();){var n=e.__H;if(e.__P&&n)try{n.__h.some(X),n.__h.some(ve),n.__h=[]}catch(t){n.__h=[],I.__e(t,e.__v)}}}I.__b=function(e){v=null,Le&&Le(e)},I.__=function(e,n){e&&n.__k&&n.__k.__m&&(e.__m=n.__k.__m),Oe&&Oe(e,n)},I.__r=function(e){Ue&&Ue(e),L=0;var n=(v=e.__c).__H;n&&(ue===v?(n.__h=[],v.__h=[],n.__.some(function(t){t.__N&&(t.__=t.__N),t.u=t.__N=void 0})):(n.__h.some(X),n.__h.some(ve),n.__h=[],L=0)),ue=v},I.diffed=function(e){qe&&qe(e);var n=e.__c;n&&n.__H&&(n.__H.__h.length&&(rn.push(n)!==1&&xe===I.requestAnimationFrame||((xe=I.requestAnimationFrame)||Nn)(En)),n.__H.__.some(function(t){t.u&&(t.__H=t.u,t.u=void 0)})),ue=v=null},I.__c=function(e,n){n.some(function(t){try{t.__h.some(X),t.__h=t.__h.filter(function(r){return!r.__||ve(r)})}catch(r){n.some(function(a){a.__h&&(a.__h=[])}),n=[],I.__e(r,t.__v)}}),He&&He(e,n)},I.unmount=function(e){Fe&&Fe(e);var n,t=e.__c;t&&t.__H&&(t.__H.__.some(function(r){try{X(r)}catch(a){n=a}}),t.__H=void 0,n&&I.__e(n,t.__v))};var Ve=typeof requestAnimationFrame=="function";function Nn(e){var n,t=function(){clearTimeout(r),Ve&&cancelAnimationFrame(n),setTimeout(e)},r=setTimeout(t,35);Ve&&(n=requestAnimationFrame(t))}function X(e){var n=v,t=e.__c;typeof t=="function"&&(e.__c=void 0,t()),v=n}function ve(e){var n=v;e.__c=e.__(),v=n}function sn(e,n){return!e||e.length!==n.length||n.some(function(t,r){return t!==e[r]})}function ln(e,n){return typeof n=="function"?n(e):n}const ye=new Set;let dn=!1;function cn(){dn=!0;for(const e of ye)e()}function B(e,n={}){e!==location.pathname+location.search&&(n.replace?history.replaceState(null,"",e):history.pushState(null,"",e),window.scrollTo(0,0),cn())}function Cn(){return dn}function We(){return{path:location.pathname.replace(/\/+$/,"")||"/",query:new URLSearchParams(location.search)}}function Tn(){const[e,n]=S(We);return U(()=>{const t=()=>n(We());return ye.add(t),()=>{ye.delete(t)}},[]),e}const Mn=/^\/(graphql|oauth|console|webhooks|healthz|readyz)(\/|$)/;function xn(){window.addEventListener("popstate",cn),document.addEventListener("click",e=>{if(e.defaultPrevented||e.button!==0||e.metaKey||e.ctrlKey||e.shiftKey||e.altKey)return;const n=e.target?.closest?.("a");if(!n||n.target||n.hasAttribute("download"))return;const t=new URL(n.href,location.href);t.origin!==location.origin||Mn.test(t.pathname)||t.pathname===location.pathname&&t.search===location.search&&t.hash||(e.preventDefault(),B(t.pathname+t.search))})}function $e(e,n){const t=[],r=e.replace(/:(\w+)/g,(s,d)=>(t.push(d),"([^/]+)")),a=new RegExp(`^${r}$`).exec(n);if(!a)return null;const i={};return t.forEach((s,d)=>i[s]=decodeURIComponent(a[d+1])),i}function un(e){const n=an(null);return U(()=>{document.title=`${e.title} · Stride`,Cn()&&n.current?.focus()},[e.title]),o(q,{children:[o("div",{class:"page-head",children:[o("h1",{ref:n,tabIndex:-1,children:e.title}),e.actions&&o("div",{class:"page-actions",children:e.actions})]}),e.lead&&o("p",{class:"lead",children:e.lead}),e.children]})}function G(e){return o("p",{class:"loading",role:"status",children:["Loading",e.what?` ${e.what}`:"","…"]})}function be(e){return e.error?o("div",{class:"notice error",role:"alert",children:[o("p",{children:e.error.plain}),e.retry&&o("button",{type:"button",class:"secondary",onClick:e.retry,children:"Try again"})]}):null}function Xt(e){return o("div",{class:`notice ${e.kind??"info"}`,role:e.live?"status":void 0,children:e.children})}function ke(e){return o("div",{class:`field${e.error?" invalid":""}${e.class?` ${e.class}`:""}`,children:[o("label",{for:e.id,children:e.label}),e.hint&&o("p",{class:"hint",id:`${e.id}-hint`,children:e.hint}),e.children,e.error&&o("p",{class:"field-error",id:`${e.id}-error`,children:e.error})]})}function Se(e,n){const t=[n.hint?`${e}-hint`:"",n.error?`${e}-error`:""].filter(Boolean);return t.length?t.join(" "):void 0}function er(e){const{label:n,hint:t,error:r,class:a,...i}=e,s=`${j()}-${e.name}`;return o(ke,{id:s,label:n,hint:t,error:r,class:a,children:o("input",{id:s,"aria-invalid":r?!0:void 0,"aria-describedby":Se(s,e),...i})})}function nr(e){const{label:n,hint:t,error:r,class:a,code:i,...s}=e,d=`${j()}-${e.name}`;return o(ke,{id:d,label:n,hint:t,error:r,class:a,children:o("textarea",{id:d,class:i?"code":void 0,"aria-invalid":r?!0:void 0,"aria-describedby":Se(d,e),...s})})}function tr(e){const{label:n,hint:t,error:r,options:a,class:i,...s}=e,d=`${j()}-${e.name}`;return o(ke,{id:d,label:n,hint:t,error:r,class:i,children:o("select",{id:d,"aria-invalid":r?!0:void 0,"aria-describedby":Se(d,e),...s,children:a.map(([u,c])=>o("option",{value:u,children:c},u))})})}function rr(e){const{label:n,hint:t,...r}=e,a=`${j()}-${e.name}`;return o("div",{class:"check",children:[o("input",{type:"checkbox",id:a,"aria-describedby":t?`${a}-hint`:void 0,...r}),o("label",{for:a,children:n}),t&&o("p",{class:"hint",id:`${a}-hint`,children:t})]})}function ir(e){const n=j();return o("fieldset",{class:`radios${e.error?" invalid":""}`,children:[o("legend",{children:e.legend}),e.options.map(([t,r])=>o("div",{class:"check",children:[o("input",{type:"radio",id:`${n}-${t}`,name:e.name,value:t,checked:e.value===void 0?void 0:e.value===t,defaultChecked:e.defaultValue===t,onChange:()=>e.onChange?.(t)}),o("label",{for:`${n}-${t}`,children:r})]},t)),e.error&&o("p",{class:"field-error",children:e.error})]})}const Ln={GREEN:"Green",YELLOW:"Yellow",RED:"Red"};function ar(e){const n=e.light;return n?o("span",{class:`light ${n.toLowerCase()}${e.large?" large":""}`,children:[o("span",{class:"dot","aria-hidden":"true"}),Ln[n]]}):o("span",{class:"light none",children:"No light"})}function or(e){return o("pre",{class:"json",children:JSON.stringify(e.value,null,2)})}function sr(e){return o("dl",{class:`facts${e.class?` ${e.class}`:""}`,children:e.items.map(([n,t],r)=>o("div",{children:[o("dt",{children:n}),o("dd",{children:t})]},r))})}function lr(e){const n={};return new FormData(e).forEach((t,r)=>{typeof t=="string"&&t.trim()!==""&&(n[r]=t.trim())}),n}function Un(e){if(e===void 0||e==="")return;const n=Number(e);return Number.isFinite(n)?n:void 0}function dr(e){const n=Un(e);return n===void 0?void 0:Math.round(n)}class _ extends String{__apiType;value;__meta__;constructor(n,t){super(n),this.value=n,this.__meta__=t}toString(){return this.value}}const qn=new _(`
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
    `,{fragmentName:"ProposalFields"}),Hn=new _(`
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
    `),Fn=new _(`
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
    `),On=new _(`
    mutation UpdateProfile($input: ProfileInput!) {
  updateProfile(input: $input) {
    id
    displayName
    units
    timeZone
  }
}
    `),Vn=new _(`
    mutation UpdateBaselines($athleteId: ID, $input: BaselinesInput!) {
  updateBaselines(athleteId: $athleteId, input: $input) {
    restingHeartRate
    maxHeartRate
  }
}
    `),Wn=new _(`
    mutation CreatePlan($athleteId: ID, $input: PlanCreateInput!) {
  createPlan(athleteId: $athleteId, input: $input) {
    id
    version
    name
  }
}
    `),Bn=new _(`
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
    `),Kn=new _(`
    mutation DeleteActivity($id: ID!) {
  deleteActivity(id: $id)
}
    `),zn=new _(`
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
    `),Jn=new _(`
    query VerifyAuditLog {
  verifyAuditLog {
    checked
    intact
    firstBrokenSeq
    problem
  }
}
    `),Qn=new _(`
    query AuditPeople {
  users {
    id
    displayName
    email
  }
}
    `),Yn=new _(`
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
    `),Xn=new _(`
    mutation SetIngestionPaused($paused: Boolean!, $reason: String!) {
  setIngestionPaused(paused: $paused, reason: $reason) {
    paused
    reason
    since
  }
}
    `),et=new _(`
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
    `),nt=new _(`
    mutation SetPluginEnabled($id: String!, $enabled: Boolean!, $reason: String!) {
  setPluginEnabled(id: $id, enabled: $enabled, reason: $reason) {
    id
    enabled
  }
}
    `),tt=new _(`
    mutation ResetPluginBreaker($id: String!) {
  resetPluginBreaker(id: $id) {
    id
    breaker
  }
}
    `),rt=new _(`
    mutation ReloadPlugins {
  reloadPlugins {
    id
    version
  }
}
    `),it=new _(`
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
    `),at=new _(`
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
    `),ot=new _(`
    mutation CreateInvite($role: Role!, $email: String, $expiresInHours: Int) {
  createInvite(role: $role, email: $email, expiresInHours: $expiresInHours) {
    token
    invite {
      id
      expiresAt
    }
  }
}
    `),st=new _(`
    mutation RevokeInvite($id: ID!) {
  revokeInvite(id: $id)
}
    `),lt=new _(`
    mutation SetUserRole($userId: ID!, $role: Role!, $reason: String) {
  setUserRole(userId: $userId, role: $role, reason: $reason) {
    id
    role
  }
}
    `),dt=new _(`
    mutation SetUserDisabled($userId: ID!, $disabled: Boolean!, $reason: String) {
  setUserDisabled(userId: $userId, disabled: $disabled, reason: $reason) {
    id
    disabledAt
  }
}
    `),ct=new _(`
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
    `),ut=new _(`
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
    `),_t=new _(`
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
    `),ht=new _(`
    mutation GrantCoachAccess($coachEmail: String!, $access: GrantAccess!) {
  grantCoachAccess(coachEmail: $coachEmail, access: $access) {
    id
  }
}
    `),pt=new _(`
    mutation RevokeCoachAccess($grantId: ID!) {
  revokeCoachAccess(grantId: $grantId) {
    id
    revokedAt
  }
}
    `),ft=new _(`
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
    `),mt=new _(`
    mutation ConnectProvider($provider: String!) {
  connectProvider(provider: $provider) {
    authorizeUrl
    expiresAt
  }
}
    `),gt=new _(`
    mutation DisconnectProvider($provider: String!) {
  disconnectProvider(provider: $provider)
}
    `),vt=new _(`
    mutation LogActivity($athleteId: ID, $input: ActivityInput!) {
  logActivity(athleteId: $athleteId, input: $input) {
    id
    name
    rpeLoad
  }
}
    `),yt=new _(`
    mutation LogMorning($athleteId: ID, $input: DailyMetricsInput!) {
  logDailyMetrics(athleteId: $athleteId, input: $input) {
    id
    date
  }
}
    `),$t=new _(`
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
    `),It=new _(`
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
    `),Dt=new _(`
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
    `),At=new _(`
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
    `),wt=new _(`
    query PlanHistory($athleteId: ID, $before: Int) {
  planHistory(athleteId: $athleteId, first: 20, before: $before) {
    version
    reason
    actorId
    createdAt
    snapshot
  }
}
    `),Pt=new _(`
    mutation RegeneratePlan($athleteId: ID, $input: PlanRegenerateInput!) {
  regeneratePlan(athleteId: $athleteId, input: $input) {
    id
    version
  }
}
    `),bt=new _(`
    mutation ChangePassword($currentPassword: String!, $newPassword: String!) {
  changePassword(currentPassword: $currentPassword, newPassword: $newPassword) {
    expiresAt
  }
}
    `),kt=new _(`
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
}`),St=new _(`
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
}`),Rt=new _(`
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
}`),Et=new _(`
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
}`),Nt=new _(`
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
    `),Ct=new _(`
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
    `),Tt=new _(`
    query RuleSnapshot($athleteId: ID) {
  ruleSnapshot(athleteId: $athleteId)
}
    `),Mt=new _(`
    mutation SimulateRule($athleteId: ID, $source: String!) {
  simulateRule(athleteId: $athleteId, source: $source) {
    kind
    reason
    draft
  }
}
    `),xt=new _(`
    mutation SaveRule($input: RuleInput!) {
  saveRule(input: $input) {
    ruleId
    version
    accepted
    problems
  }
}
    `),Lt=new _(`
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
    `),Ut=new _(`
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
    `),qt=new _(`
    mutation SetActivityRpe($id: ID!, $rpe: Int!) {
  setActivityRpe(id: $id, rpe: $rpe) {
    id
    rpe
  }
}
    `),Ht={"\n  query MyAthletes {\n    myAthletes {\n      id\n      access\n      revokedAt\n      athlete {\n        id\n        displayName\n        timeZone\n      }\n    }\n  }\n":Hn,"\n  query Account {\n    me {\n      id\n      email\n      displayName\n      role\n      timeZone\n      units\n      createdAt\n      profile {\n        birthDate\n        sex\n        weightKg\n        heightCm\n        notifications {\n          proposals\n          riskAlerts\n          weeklySummary\n        }\n      }\n      baselines {\n        restingHeartRate\n        hrvMs\n        hrvKind\n        maxHeartRate\n        thresholdHeartRate\n      }\n    }\n  }\n":Fn,"\n  mutation UpdateProfile($input: ProfileInput!) {\n    updateProfile(input: $input) {\n      id\n      displayName\n      units\n      timeZone\n    }\n  }\n":On,"\n  mutation UpdateBaselines($athleteId: ID, $input: BaselinesInput!) {\n    updateBaselines(athleteId: $athleteId, input: $input) {\n      restingHeartRate\n      maxHeartRate\n    }\n  }\n":Vn,"\n  mutation CreatePlan($athleteId: ID, $input: PlanCreateInput!) {\n    createPlan(athleteId: $athleteId, input: $input) {\n      id\n      version\n      name\n    }\n  }\n":Wn,"\n  query Me {\n    me {\n      id\n      email\n      displayName\n      role\n      permissions\n      timeZone\n      units\n    }\n  }\n":Bn,"\n  query Activities($athleteId: ID, $from: NaiveDate, $to: NaiveDate, $first: Int, $after: String) {\n    activities(athleteId: $athleteId, from: $from, to: $to, first: $first, after: $after) {\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        name\n        sport\n        localDate\n        durationSeconds\n        distanceMeters\n        averageHeartRate\n        rpe\n        rpeLoad\n        trimp\n        source\n        hasSamples\n        private\n      }\n    }\n  }\n":Gn,"\n  query ActivityDetail($id: ID!, $points: Int) {\n    activity(id: $id) {\n      id\n      athleteId\n      source\n      externalId\n      sport\n      name\n      startTime\n      localDate\n      durationSeconds\n      movingTimeSeconds\n      distanceMeters\n      elevationGainMeters\n      averageHeartRate\n      maxHeartRate\n      rpe\n      feeling\n      notes\n      private\n      rpeLoad\n      trimp\n      loadDetail\n      hasSamples\n      createdAt\n      updatedAt\n      samples(maxPoints: $points) {\n        timeSeconds\n        heartRate\n        speedMps\n        altitudeMeters\n        powerWatts\n        cadence\n      }\n      efficiency {\n        efficiencyFactor\n        firstHalfEf\n        secondHalfEf\n        decouplingPct\n        meanSpeedMPerMin\n        meanHr\n        steady\n        speedSource\n      }\n    }\n  }\n":Zn,"\n  mutation UpdateActivity($id: ID!, $input: ActivityPatchInput!) {\n    updateActivity(id: $id, input: $input) {\n      id\n    }\n  }\n":jn,"\n  mutation DeleteActivity($id: ID!) {\n    deleteActivity(id: $id)\n  }\n":Kn,"\n  query AuditLog($filter: AuditFilterInput, $first: Int, $after: String) {\n    auditLog(filter: $filter, first: $first, after: $after) {\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          seq\n          at\n          actorId\n          realActorId\n          action\n          targetKind\n          targetId\n          reason\n          payload\n          hash\n        }\n      }\n    }\n  }\n":zn,"\n  query VerifyAuditLog {\n    verifyAuditLog {\n      checked\n      intact\n      firstBrokenSeq\n      problem\n    }\n  }\n":Jn,"\n  query AuditPeople {\n    users {\n      id\n      displayName\n      email\n    }\n  }\n":Qn,"\n  query AdminIngestion {\n    ingestion {\n      brake {\n        paused\n        reason\n        since\n      }\n      jobs {\n        queued\n        held\n        running\n        failed\n      }\n      rateWindows {\n        provider\n        budget\n        window\n        startsAt\n        usage\n        limit\n      }\n      rejections {\n        plugin\n        athleteId\n        externalId\n        reason\n        at\n      }\n    }\n  }\n":Yn,"\n  mutation SetIngestionPaused($paused: Boolean!, $reason: String!) {\n    setIngestionPaused(paused: $paused, reason: $reason) {\n      paused\n      reason\n      since\n    }\n  }\n":Xn,"\n  query AdminPlugins {\n    plugins {\n      id\n      version\n      apiVersion\n      displayName\n      contentHash\n      loadedAt\n      enabled\n      breaker\n      consecutiveFailures\n      openUntil\n      calls\n      failures\n      limits {\n        webhookDeadlineMs\n        webhookCpuMs\n        jobDeadlineMs\n        jobCpuMs\n        memoryLimitMb\n      }\n      capabilities {\n        oauth\n        oauthScopes\n        allowedHosts\n        webhookKinds\n        jobKinds\n        secrets\n      }\n      recentFailures(limit: 10) {\n        at\n        version\n        call\n        kind\n        message\n        backtrace\n      }\n    }\n    pluginLoadErrors {\n      path\n      message\n      at\n    }\n  }\n":et,"\n  mutation SetPluginEnabled($id: String!, $enabled: Boolean!, $reason: String!) {\n    setPluginEnabled(id: $id, enabled: $enabled, reason: $reason) {\n      id\n      enabled\n    }\n  }\n":nt,"\n  mutation ResetPluginBreaker($id: String!) {\n    resetPluginBreaker(id: $id) {\n      id\n      breaker\n    }\n  }\n":tt,"\n  mutation ReloadPlugins {\n    reloadPlugins {\n      id\n      version\n    }\n  }\n":rt,"\n  query AdminUsers {\n    users {\n      id\n      email\n      displayName\n      role\n      createdAt\n      disabledAt\n    }\n  }\n":it,"\n  query AdminInvites {\n    invites {\n      id\n      email\n      role\n      createdAt\n      expiresAt\n      usedAt\n      revokedAt\n      status\n    }\n  }\n":at,"\n  mutation CreateInvite($role: Role!, $email: String, $expiresInHours: Int) {\n    createInvite(role: $role, email: $email, expiresInHours: $expiresInHours) {\n      token\n      invite {\n        id\n        expiresAt\n      }\n    }\n  }\n":ot,"\n  mutation RevokeInvite($id: ID!) {\n    revokeInvite(id: $id)\n  }\n":st,"\n  mutation SetUserRole($userId: ID!, $role: Role!, $reason: String) {\n    setUserRole(userId: $userId, role: $role, reason: $reason) {\n      id\n      role\n    }\n  }\n":lt,"\n  mutation SetUserDisabled($userId: ID!, $disabled: Boolean!, $reason: String) {\n    setUserDisabled(userId: $userId, disabled: $disabled, reason: $reason) {\n      id\n      disabledAt\n    }\n  }\n":dt,"\n  query CoachAthletes {\n    myAthletes {\n      id\n      access\n      createdAt\n      revokedAt\n      athlete {\n        id\n        displayName\n        email\n      }\n    }\n  }\n":ct,"\n  query AthleteGlance($athleteId: ID!) {\n    home(athleteId: $athleteId) {\n      date\n      readiness {\n        light\n        confidence\n        signals {\n          signal\n          light\n        }\n      }\n      alerts {\n        kind\n        date\n        value\n      }\n      workouts {\n        id\n        kind\n        state\n      }\n    }\n    proposals(athleteId: $athleteId, state: PENDING) {\n      id\n    }\n  }\n":ut,"\n  query MyCoaches {\n    myCoaches {\n      id\n      access\n      createdAt\n      revokedAt\n      coach {\n        id\n        displayName\n        email\n      }\n    }\n  }\n":_t,"\n  mutation GrantCoachAccess($coachEmail: String!, $access: GrantAccess!) {\n    grantCoachAccess(coachEmail: $coachEmail, access: $access) {\n      id\n    }\n  }\n":ht,"\n  mutation RevokeCoachAccess($grantId: ID!) {\n    revokeCoachAccess(grantId: $grantId) {\n      id\n      revokedAt\n    }\n  }\n":pt,"\n  query Connections {\n    connections {\n      provider\n      status\n      scopes\n      externalAthleteId\n      connectedAt\n      backfill {\n        status\n        pagesDone\n        activitiesDone\n        deferredUntil\n        note\n        updatedAt\n      }\n    }\n  }\n":ft,"\n  mutation ConnectProvider($provider: String!) {\n    connectProvider(provider: $provider) {\n      authorizeUrl\n      expiresAt\n    }\n  }\n":mt,"\n  mutation DisconnectProvider($provider: String!) {\n    disconnectProvider(provider: $provider)\n  }\n":gt,"\n  mutation LogActivity($athleteId: ID, $input: ActivityInput!) {\n    logActivity(athleteId: $athleteId, input: $input) {\n      id\n      name\n      rpeLoad\n    }\n  }\n":vt,"\n  mutation LogMorning($athleteId: ID, $input: DailyMetricsInput!) {\n    logDailyMetrics(athleteId: $athleteId, input: $input) {\n      id\n      date\n    }\n  }\n":yt,"\n  query OnboardingProgress {\n    trainingPlan {\n      id\n      name\n      goalRaceDate\n    }\n    connections {\n      provider\n      status\n    }\n  }\n":$t,"\n  query Performance($athleteId: ID, $from: NaiveDate!, $to: NaiveDate!) {\n    trainingStats(athleteId: $athleteId, from: $from, to: $to) {\n      convention {\n        ewma\n        acuteDays\n        chronicDays\n        monotonyDays\n        acuteLambda\n        chronicLambda\n        sdConvention\n        loadMetric\n        acwrAlert\n        monotonyAlert\n        monotonyCap\n      }\n      days {\n        date\n        load\n        acute\n        chronic\n        acwr\n        tsb\n        monotony\n        monotonyCapped\n        weeklyLoad\n        strain\n        warmingUp\n      }\n    }\n  }\n":It,"\n  query PlanCalendar($athleteId: ID) {\n    trainingPlan(athleteId: $athleteId) {\n      id\n      name\n      version\n      goalRaceName\n      goalRaceDate\n      goalDistanceMeters\n      startDate\n      daysPerWeek\n      longRunDay\n      updatedAt\n      phases {\n        kind\n        start\n        end\n      }\n      weeks {\n        index\n        start\n        end\n        phase\n        targetMinutes\n        deload\n      }\n      workouts {\n        id\n        date\n        kind\n        targetDurationSeconds\n        targetDistanceMeters\n        intensityZone\n        description\n        state\n        activityId\n        planVersion\n      }\n      adherence {\n        completed\n        missed\n        skipped\n        planned\n      }\n    }\n  }\n":Dt,"\n  query PlanActivities($athleteId: ID, $from: NaiveDate, $to: NaiveDate) {\n    activities(athleteId: $athleteId, from: $from, to: $to, first: 200) {\n      nodes {\n        id\n        name\n        sport\n        localDate\n        durationSeconds\n      }\n    }\n  }\n":At,"\n  query PlanHistory($athleteId: ID, $before: Int) {\n    planHistory(athleteId: $athleteId, first: 20, before: $before) {\n      version\n      reason\n      actorId\n      createdAt\n      snapshot\n    }\n  }\n":wt,"\n  mutation RegeneratePlan($athleteId: ID, $input: PlanRegenerateInput!) {\n    regeneratePlan(athleteId: $athleteId, input: $input) {\n      id\n      version\n    }\n  }\n":Pt,"\n  mutation ChangePassword($currentPassword: String!, $newPassword: String!) {\n    changePassword(currentPassword: $currentPassword, newPassword: $newPassword) {\n      expiresAt\n    }\n  }\n":bt,"\n  fragment ProposalFields on Proposal {\n    id\n    athleteId\n    state\n    kind\n    reason\n    source {\n      kind\n      reference\n      version\n    }\n    receipts {\n      label\n      value\n      date\n      activityId\n    }\n    changes {\n      date\n      workoutId\n      before {\n        kind\n        targetDurationSeconds\n        targetDistanceMeters\n        intensityZone\n        description\n      }\n      after {\n        kind\n        targetDurationSeconds\n        targetDistanceMeters\n        intensityZone\n        description\n      }\n    }\n    basePlanVersion\n    createdAt\n    expiresAt\n    decidedAt\n    decisionReason\n    appliedAt\n  }\n":qn,"\n  query Proposals($athleteId: ID, $state: ProposalState) {\n    proposals(athleteId: $athleteId, state: $state) {\n      ...ProposalFields\n    }\n  }\n":kt,"\n  subscription ProposalCreated($athleteId: ID) {\n    proposalCreated(athleteId: $athleteId) {\n      ...ProposalFields\n    }\n  }\n":St,"\n  mutation ConfirmProposal($id: ID!) {\n    confirmProposal(id: $id) {\n      ...ProposalFields\n    }\n  }\n":Rt,"\n  mutation RejectProposal($id: ID!, $reason: String) {\n    rejectProposal(id: $id, reason: $reason) {\n      ...ProposalFields\n    }\n  }\n":Et,"\n  query RulesInForce($athleteId: ID) {\n    rulesInForce(athleteId: $athleteId) {\n      name\n      origin\n      ruleId\n      version\n      source\n    }\n    ruleFailures(athleteId: $athleteId) {\n      rule\n      version\n      error\n      at\n    }\n  }\n":Nt,"\n  query RuleVersions($ruleId: ID!) {\n    ruleVersions(ruleId: $ruleId) {\n      version\n      status\n      source\n      fixtures\n      problems\n      createdBy\n      createdAt\n    }\n  }\n":Ct,"\n  query RuleSnapshot($athleteId: ID) {\n    ruleSnapshot(athleteId: $athleteId)\n  }\n":Tt,"\n  mutation SimulateRule($athleteId: ID, $source: String!) {\n    simulateRule(athleteId: $athleteId, source: $source) {\n      kind\n      reason\n      draft\n    }\n  }\n":Mt,"\n  mutation SaveRule($input: RuleInput!) {\n    saveRule(input: $input) {\n      ruleId\n      version\n      accepted\n      problems\n    }\n  }\n":xt,"\n  query Today($athleteId: ID, $today: NaiveDate!) {\n    home(athleteId: $athleteId) {\n      date\n      workouts {\n        id\n        date\n        kind\n        description\n        state\n        targetDurationSeconds\n        targetDistanceMeters\n        intensityZone\n        activityId\n      }\n      readiness {\n        date\n        light\n        confidence\n        signals {\n          signal\n          light\n          reason\n          values {\n            name\n            value\n          }\n        }\n        missing {\n          signal\n          reason\n        }\n      }\n      load {\n        date\n        load\n        acute\n        chronic\n        acwr\n        tsb\n        monotony\n        monotonyCapped\n        weeklyLoad\n        strain\n        warmingUp\n        historyDays\n      }\n      alerts {\n        kind\n        date\n        value\n        threshold\n        receipts {\n          explanation\n        }\n      }\n    }\n    proposals(athleteId: $athleteId, state: PENDING) {\n      id\n    }\n    trainingPlan(athleteId: $athleteId) {\n      id\n      name\n      goalRaceDate\n    }\n    trainingStats(athleteId: $athleteId, from: $today, to: $today) {\n      convention {\n        acwrAlert\n        monotonyAlert\n      }\n    }\n  }\n":Lt,"\n  query MyTasks {\n    myTasks {\n      id\n      kind\n      createdAt\n      activity {\n        id\n        name\n        sport\n        localDate\n        durationSeconds\n      }\n    }\n  }\n":Ut,"\n  mutation SetActivityRpe($id: ID!, $rpe: Int!) {\n    setActivityRpe(id: $id, rpe: $rpe) {\n      id\n      rpe\n    }\n  }\n":qt};function _n(e){return Ht[e]??{}}class R extends Error{constructor(n,t,r=[],a){super(n),this.code=t,this.fields=r,this.retryAfterSeconds=a,this.name="ApiError"}code;fields;retryAfterSeconds;get plain(){switch(this.code){case"RATE_LIMITED":return`Too many requests. Try again in ${this.retryAfterSeconds??"a few"} seconds.`;case"FORBIDDEN":return`Not allowed: ${this.message}`;case"NOT_FOUND":return`Not found: ${this.message}`;case"CONFLICT":return`Conflict: ${this.message}`;case"NETWORK":return"Stride could not be reached. Check the connection and try again.";case"BAD_INPUT":return this.fields.length?`Please check: ${this.fields.map(n=>`${n.field} ${n.reason}`).join("; ")}`:this.message;default:return this.message}}get byField(){const n={};for(const{field:t,reason:r}of this.fields){const a=t.split(".").pop()??t;n[a]=n[a]?`${n[a]}; ${r}`:r}return n}}function le(e){return e instanceof R?e:e instanceof Error?new R(e.message,"UNKNOWN"):new R(String(e),"UNKNOWN")}let Ie=()=>{};function Ft(e){Ie=e}function hn(e){const n=Number(e.headers.get("retry-after"));return Number.isFinite(n)&&n>0?n:void 0}async function pn(e,n){let t;try{t=await fetch("/graphql",{method:"POST",credentials:"same-origin",headers:{"content-type":"application/json","x-stride-console":"1"},body:JSON.stringify({query:e.toString(),variables:n??{}})})}catch{throw new R("network error","NETWORK")}if(t.status===401)throw Ie(),new R("You are not logged in.","UNAUTHENTICATED");if(t.status===429){const i=hn(t);throw new R("too many requests","RATE_LIMITED",[],i)}let r;try{r=await t.json()}catch{throw new R(`the server answered ${t.status} ${t.statusText}`,t.status>=500?"INTERNAL":"UNKNOWN")}const a=r.errors?.[0];if(a){const i=a.extensions?.code??"UNKNOWN";i==="UNAUTHENTICATED"&&Ie();const s=r.errors.flatMap(d=>d.extensions?.fields??[]);throw new R(a.message,i,s,a.extensions?.retryAfterSeconds)}return r.data}async function Ot(e,n,t){let r;try{r=await fetch(n,{method:e,credentials:"same-origin",headers:t===void 0?{}:{"content-type":"application/json"},body:t===void 0?void 0:JSON.stringify(t)})}catch{throw new R("network error","NETWORK")}if(r.status===204)return null;const a=await r.json().catch(()=>({}));if(!r.ok){const i=a.code??(r.status===429?"RATE_LIMITED":"UNKNOWN");throw new R(a.error??`${r.status} ${r.statusText}`,i,a.fields??[],hn(r))}return a}function Vt(e,n,t={}){const r=t.skip??!1,a=JSON.stringify(n??{}),[i,s]=S(void 0),[d,u]=S(void 0),[c,p]=S(!r),[y,l]=S(0);U(()=>{if(r){p(!1);return}let m=!0;return p(!0),u(void 0),pn(e,JSON.parse(a)).then(P=>{m&&(s(P),p(!1))},P=>{m&&(u(le(P)),p(!1))}),()=>{m=!1}},[e,a,y,r]);const h=re(()=>l(m=>m+1),[]);return{data:i,error:d,loading:c,reload:h,setData:s}}function cr(e){const[n,t]=S(!1),[r,a]=S(void 0),i=an(e);return i.current=e,{run:re(async(...d)=>{t(!0),a(void 0);try{return await i.current(...d)}catch(u){a(le(u));return}finally{t(!1)}},[]),busy:n,error:r,clear:()=>a(void 0)}}const Wt=_n(`
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
  }
`),fn=tn(null);function mn(){const e=on(fn);if(!e)throw new Error("useSession outside a logged-in page");return e}function ur(){return mn().me}const Re=tn(null);function _r(){const e=on(Re);if(!e)throw new Error("useScope outside an athlete page");return e}function Ee(e){return e.role==="ATHLETE"||e.role==="COACH"}function k(e,n){return e.permissions.includes(n)}const Bt={refresh:async()=>{}},_e=new Map;function ie(e){const[n,t]=S(()=>_e.get(e.loader)),[r,a]=S();if(U(()=>{const s=_e.get(e.loader);if(s){t(()=>s);return}let d=!0;return t(void 0),e.loader().then(u=>{_e.set(e.loader,u),d&&t(()=>u)},u=>d&&a(new R(`This page could not be loaded (${le(u).message}). Reload to try again.`,"NETWORK"))),()=>{d=!1}},[e.loader]),r)return o(be,{error:r});if(!n)return o(G,{});const i=n.default;return o(i,{params:e.params})}const D={login:()=>$(()=>import("./login-CMT5JxSy.js"),__vite__mapDeps([0,1])),signup:()=>$(()=>import("./signup-Z2uYT8G-.js"),__vite__mapDeps([2,1])),onboarding:()=>$(()=>import("./onboarding-DSBjUDOF.js"),__vite__mapDeps([3,4,5,6,7,1])),profile:()=>$(()=>import("./profile-B2gPAQj6.js"),__vite__mapDeps([8,4,5,1])),settings:()=>$(()=>import("./settings-D3iEBHYd.js"),__vite__mapDeps([9,4,5,1])),today:()=>$(()=>import("./today-CMxXzDmu.js"),__vite__mapDeps([10,5,11,1])),performance:()=>$(()=>import("./performance-CYG0Q-Di.js"),__vite__mapDeps([12,13,14,5,11,1])),activities:()=>$(()=>import("./activities-Bf24OKJc.js"),__vite__mapDeps([15,5,1])),activity:()=>$(()=>import("./activity-Pldmin8x.js"),__vite__mapDeps([16,13,14,5,1])),plan:()=>$(()=>import("./plan-4XEIw9jH.js"),__vite__mapDeps([17,6,5,1])),proposals:()=>$(()=>import("./proposals-KihqNpjf.js"),__vite__mapDeps([18,5,1])),log:()=>$(()=>import("./log-BVUETHTw.js"),__vite__mapDeps([19,5,15,1])),connections:()=>$(()=>import("./connections-D55ijNZI.js"),__vite__mapDeps([7,5,1])),coaches:()=>$(()=>import("./coaches-DR9xfSOl.js"),__vite__mapDeps([20,5,1])),athletes:()=>$(()=>import("./athletes-BlB5qTki.js"),__vite__mapDeps([21,5,1])),rules:()=>$(()=>import("./rules-B66wLpzv.js"),__vite__mapDeps([22,5,1])),audit:()=>$(()=>import("./admin-audit-DZCUaimF.js"),__vite__mapDeps([23,5,1])),users:()=>$(()=>import("./admin-users-DJJ7JIWQ.js"),__vite__mapDeps([24,5,1])),plugins:()=>$(()=>import("./admin-plugins-CUGLpGyy.js"),__vite__mapDeps([25,5,1])),ingestion:()=>$(()=>import("./admin-ingestion-C_pG4Ffd.js"),__vite__mapDeps([26,5,1]))},gn=[["",D.today],["/performance",D.performance],["/activities",D.activities],["/activities/:id",D.activity],["/plan",D.plan],["/proposals",D.proposals],["/log",D.log],["/rules",D.rules]],Gt=[["/onboarding",D.onboarding],["/profile",D.profile],["/settings",D.settings],["/connections",D.connections],["/coaches",D.coaches],["/athletes",D.athletes],["/admin/audit",D.audit],["/admin/users",D.users],["/admin/plugins",D.plugins],["/admin/ingestion",D.ingestion]];function he(e){return Ee(e)?"/":k(e,"READ_AUDIT")?"/admin/audit":k(e,"MANAGE_USERS")||k(e,"INVITE_USERS")?"/admin/users":"/profile"}const vn=new Set(["/login","/signup"]);function Zt(){const e=Tn(),[n,t]=S(void 0),[r,a]=S(),i=re(async()=>{try{const u=await pn(Wt,{});t(u.me),a(void 0)}catch(u){const c=le(u);c.code==="UNAUTHENTICATED"?t(null):a(c)}},[]);U(()=>{Bt.refresh=i,Ft(()=>t(null)),i()},[i]);const s=re(async()=>{try{await Ot("DELETE","/console/session")}finally{t(null),B("/login",{replace:!0})}},[]);U(()=>{if(n===null&&!vn.has(e.path)){const u=e.path==="/"?"":`?next=${encodeURIComponent(e.path+(e.query.size?`?${e.query}`:""))}`;B(`/login${u}`,{replace:!0})}},[n,e.path]);const d=se(()=>n?{me:n,refresh:i,logout:s}:null,[n,i,s]);if(r)return o("main",{id:"main",class:"narrow",children:[o("h1",{children:"Stride"}),o(be,{error:r,retry:()=>{i()}})]});if(n===void 0)return o(G,{what:"Stride"});if(!d){const u=e.path==="/signup"?D.signup:D.login;return o(q,{children:[o("a",{class:"skip",href:"#main",children:"Skip to content"}),o("header",{class:"top",children:o("span",{class:"brand",children:"Stride"})}),o("main",{id:"main",tabIndex:-1,class:"narrow",children:o(ie,{loader:u,params:{}},e.path)})]})}return o(fn.Provider,{value:d,children:o(jt,{me:n,path:e.path})})}function jt(e){const{me:n,path:t}=e,[r,a]=S(!1);if(U(()=>a(!1),[t]),vn.has(t)){const d=new URLSearchParams(location.search).get("next");return B(d&&d.startsWith("/")&&!d.startsWith("//")?d:he(n),{replace:!0}),o(G,{})}if(t==="/"&&!Ee(n))return B(he(n),{replace:!0}),o(G,{});let i=null;const s=/^\/athletes\/([^/]+)(\/.*)?$/.exec(t);if(s)i=o(Qt,{athleteId:decodeURIComponent(s[1]),rest:s[2]??""});else{for(const[d,u]of Gt){const c=$e(d,t);if(c){i=o(ie,{loader:u,params:c});break}}if(!i){const d=Kt(n);for(const[u,c]of gn){const p=$e(u||"/",t);if(p&&u!=="/rules"){i=o(Re.Provider,{value:d,children:o(ie,{loader:c,params:p})});break}}}}return o(q,{children:[o("a",{class:"skip",href:"#main",children:"Skip to content"}),o("header",{class:"top",children:[o("a",{class:"brand",href:he(n),children:"Stride"}),o("button",{type:"button",class:"menu-toggle","aria-expanded":r,"aria-controls":"main-nav",onClick:()=>a(!r),children:"Menu"}),o(zt,{me:n,path:t,open:r})]}),o("main",{id:"main",tabIndex:-1,children:i??o(yn,{})})]})}function Kt(e){return{athleteId:null,name:e.displayName,canWrite:!0,base:"",timeZone:e.timeZone,self:!0}}function b(e){const n=e.exact?e.path===e.href:e.path===e.href||e.path.startsWith(`${e.href}/`);return o("li",{children:o("a",{href:e.href,"aria-current":n?"page":void 0,children:e.children})})}function zt(e){const{me:n,path:t}=e,{logout:r}=mn(),a=k(n,"READ_AUDIT")||k(n,"MANAGE_USERS")||k(n,"INVITE_USERS")||k(n,"MANAGE_PLUGINS")||k(n,"MANAGE_INGESTION");return o("nav",{id:"main-nav","aria-label":"Main",class:e.open?"open":"",children:[Ee(n)&&o("ul",{"aria-label":"Training",children:[o(b,{href:"/",path:t,exact:!0,children:"Today"}),o(b,{href:"/performance",path:t,children:"Performance"}),o(b,{href:"/activities",path:t,children:"Activities"}),o(b,{href:"/plan",path:t,children:"Plan"}),o(b,{href:"/proposals",path:t,children:"Proposals"}),o(b,{href:"/log",path:t,children:"Log"}),o(b,{href:"/connections",path:t,children:"Connections"}),o(b,{href:"/coaches",path:t,children:"Coaches"})]}),k(n,"COACH_ATHLETES")&&o("ul",{"aria-label":"Coaching",children:o(b,{href:"/athletes",path:t,children:"Athletes"})}),a&&o("ul",{"aria-label":"Administration",children:[k(n,"READ_AUDIT")&&o(b,{href:"/admin/audit",path:t,children:"Audit log"}),(k(n,"MANAGE_USERS")||k(n,"INVITE_USERS"))&&o(b,{href:"/admin/users",path:t,children:"Users"}),k(n,"MANAGE_PLUGINS")&&o(b,{href:"/admin/plugins",path:t,children:"Plugins"}),k(n,"MANAGE_INGESTION")&&o(b,{href:"/admin/ingestion",path:t,children:"Ingestion"})]}),o("ul",{"aria-label":"Account",class:"account",children:[o(b,{href:"/profile",path:t,children:"Profile"}),o(b,{href:"/settings",path:t,children:"Settings"}),o("li",{children:o("button",{type:"button",class:"link",onClick:()=>{r()},children:["Log out ",o("span",{class:"who",children:["(",n.displayName,")"]})]})})]})]})}const Jt=_n(`
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
`);function Qt(e){const n=Vt(Jt,{}),t=n.data?.myAthletes.find(s=>s.athlete.id===e.athleteId&&!s.revokedAt),r=se(()=>t?{athleteId:t.athlete.id,name:t.athlete.displayName,canWrite:t.access==="READ_WRITE",base:`/athletes/${t.athlete.id}`,timeZone:t.athlete.timeZone,self:!1}:null,[t?.id,t?.access]);if(n.error)return o(be,{error:n.error,retry:n.reload});if(!n.data)return o(G,{what:"athlete"});if(!r)return o(un,{title:"No access",children:[o("p",{children:"This athlete has not granted you access, or the grant was revoked."}),o("p",{children:o("a",{href:"/athletes",children:"Back to your athletes"})})]});let a=null;for(const[s,d]of gn){if(s==="/log"&&!r.canWrite)continue;const u=$e(s||"",e.rest);if(u){a=o(ie,{loader:d,params:u});break}}const i=[["","Today"],["/performance","Performance"],["/activities","Activities"],["/plan","Plan"],["/proposals","Proposals"],...r.canWrite?[["/log","Log"]]:[],["/rules","Rules"]];return o(Re.Provider,{value:r,children:[o("div",{class:"athlete-bar",children:[o("p",{children:[o("a",{href:"/athletes",children:"Athletes"})," › ",o("strong",{children:r.name})," ",o("span",{class:`access ${r.canWrite?"rw":"ro"}`,children:r.canWrite?"read-write access":"read-only access"})]}),o("nav",{"aria-label":`${r.name}'s pages`,children:o("ul",{class:"tabs",children:i.map(([s,d])=>{const u=`${r.base}${s}`,c=s===""?e.rest==="":e.rest===s||e.rest.startsWith(`${s}/`);return o("li",{children:o("a",{href:u,"aria-current":c?"page":void 0,children:d})},s)})})})]}),a??o(yn,{})]})}function yn(){return o(un,{title:"Page not found",children:o("p",{children:["There is no page at ",o("code",{children:location.pathname}),". ",o("a",{href:"/",children:"Go to the start page"}),"."]})})}xn();const pe=document.getElementById("app");pe&&(pe.textContent="",kn(o(Zt,{}),pe));export{an as A,rr as C,be as E,sr as F,er as I,or as J,G as L,Xt as N,un as P,ir as R,q as S,se as T,o as a,Bt as b,Tn as c,S as d,Vt as e,lr as f,_n as g,mn as h,tr as i,Un as j,dr as k,_r as l,ur as m,B as n,ar as o,U as p,nr as q,pn as r,Ot as s,Ee as t,cr as u,k as v};
