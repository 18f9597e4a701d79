import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
function s(e){let n=e.location?`${e.location.file}:${e.location.line}:${e.location.column}: `:"",r=e.hint?`
  hint: ${e.hint}`:"";return`${n}${e.severity}: ${e.subject?`${e.subject}: `:""}${e.message}${r}`}var o=class extends Error{name="UserError";exitCode;constructor(n,r){super(n,r?.cause===void 0?void 0:{cause:r.cause}),this.exitCode=r?.exitCode??1}},t=class extends o{name="ConfigError";diagnostics;constructor(n){let r=n.filter(i=>i.severity==="error").length;super(`${n.map(s).join(`
`)}
${r} error(s) in the configuration; nothing was sent.`),this.diagnostics=n}};function a(e){return e.toLowerCase()}export{s as a,o as b,t as c,a as d};
//# sourceMappingURL=chunk-MCXA6RQQ.js.map
