// Gives the browser the cookie that ui/cookie.py asks for (see there): set on the page's own document,
// so it is first-party and goes with the app's WebSocket from the next page load on. Written only when
// the browser does not have it already; nothing is drawn. ui/cookie.py sends it without these comments,
// with the cookie's fields ({name, value, expires, path}, as JSON) in place of the argument below.
(function (wanted) {
  const cookie = `${wanted.name}=${wanted.value}`;
  if (document.cookie.split("; ").includes(cookie)) return;
  const secure = window.location.protocol === "https:" ? "; Secure" : "";
  document.cookie = `${cookie}; Expires=${wanted.expires}; Path=${wanted.path}; SameSite=Strict${secure}`;
})(WANTED_COOKIE);
