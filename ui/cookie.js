// Gives the browser the cookie that ui/cookie.py asks for (see there): set on the page's own document,
// so it is first-party and goes with the app's WebSocket from the next page load on. Written only when
// the browser does not have it already; nothing is drawn.

export default function (component) {
  const { name, value, expires, path } = component.data;
  const cookie = `${name}=${value}`;
  if (document.cookie.split("; ").includes(cookie)) return;
  const secure = window.location.protocol === "https:" ? "; Secure" : "";
  document.cookie = `${cookie}; Expires=${expires}; Path=${path}; SameSite=Strict${secure}`;
}
