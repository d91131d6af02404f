/** docker-modem's redirect-following request module (no types are published for it). */
declare module 'docker-modem/lib/http' {
  const modemHttp: { maxRedirects: number }
  export default modemHttp
}
