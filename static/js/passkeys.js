// Beside django-otp-webauthn's scripts (a static file: the Content-Security-Policy allows no inline script).
// Its scripts call gettext(), which Django's JavaScript catalogue would define; this service is in English only,
// so the messages are used as written. After a key is registered, go where the server says (the recovery codes
// after a first enrolment, else the list of keys); after a sign-in with a key, its own script follows the server.
"use strict";
window.gettext = window.gettext || function (message) { return message; };
document.addEventListener("otp_webauthn.register_complete", function (event) {
  var answer = event.detail && event.detail.response;
  if (answer && answer.redirect_url) {
    window.location.assign(answer.redirect_url);
  }
});
