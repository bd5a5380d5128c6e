// Passkeys (WebAuthn) for the staff sign-in and account pages and the person's portal.
// Progressive: every [data-passkey] block stays hidden unless the browser has
// window.PublicKeyCredential.  No inline script (the CSP forbids it): the page says what to
// do with data attributes on a button:
//   data-passkey="register" | "signin"
//   data-options-url, data-verify-url: where to ask for options and where to send the answer
//   data-name-input (optional): the id of an input whose value names the new passkey
//   data-next (optional): where to go after signing in
// The server answers {"redirect": url} or, with a 400, {"error": "日本語の説明"}.
(function () {
  "use strict";

  function toBytes(value) {
    var text = value.replace(/-/g, "+").replace(/_/g, "/");
    while (text.length % 4) { text += "="; }
    var raw = atob(text);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes.buffer;
  }

  function toText(buffer) {
    if (!buffer) { return null; }
    var bytes = new Uint8Array(buffer);
    var raw = "";
    for (var i = 0; i < bytes.length; i++) { raw += String.fromCharCode(bytes[i]); }
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function creationOptions(json) {
    var options = Object.assign({}, json);
    options.challenge = toBytes(json.challenge);
    options.user = Object.assign({}, json.user, { id: toBytes(json.user.id) });
    options.excludeCredentials = (json.excludeCredentials || []).map(function (c) {
      return Object.assign({}, c, { id: toBytes(c.id) });
    });
    return options;
  }

  function requestOptions(json) {
    var options = Object.assign({}, json);
    options.challenge = toBytes(json.challenge);
    options.allowCredentials = (json.allowCredentials || []).map(function (c) {
      return Object.assign({}, c, { id: toBytes(c.id) });
    });
    return options;
  }

  function credentialJSON(credential) {
    var r = credential.response;
    var response = { clientDataJSON: toText(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = toText(r.attestationObject);
      response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      response.authenticatorData = toText(r.authenticatorData);
      response.signature = toText(r.signature);
      response.userHandle = toText(r.userHandle);
    }
    return {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      response: response,
      clientExtensionResults: credential.getClientExtensionResults
        ? credential.getClientExtensionResults() : {},
      authenticatorAttachment: credential.authenticatorAttachment || null,
    };
  }

  function csrfToken(block) {
    var input = block.querySelector("input[name=csrfmiddlewaretoken]")
      || document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function post(url, body, token) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(body || {}),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) { throw new Error(data.error || ""); }
        return data;
      });
    });
  }

  function start(button, block) {
    var status = block.querySelector("[data-passkey-status]");
    var fallback = block.getAttribute("data-failed-message") || "";
    var token = csrfToken(block);
    var kind = button.getAttribute("data-passkey");
    var nameInput = button.getAttribute("data-name-input");
    function say(message) {
      if (status) { status.textContent = message; status.hidden = !message; }
    }
    say("");
    button.disabled = true;
    post(button.getAttribute("data-options-url"), {}, token)
      .then(function (options) {
        if (kind === "register") {
          return navigator.credentials.create({ publicKey: creationOptions(options) });
        }
        return navigator.credentials.get({ publicKey: requestOptions(options) });
      })
      .then(function (credential) {
        if (!credential) { throw new Error(""); }
        var body = { credential: credentialJSON(credential) };
        if (nameInput) {
          var field = document.getElementById(nameInput);
          body.name = field ? field.value : "";
        }
        if (button.getAttribute("data-next")) { body.next = button.getAttribute("data-next"); }
        return post(button.getAttribute("data-verify-url"), body, token);
      })
      .then(function (result) {
        window.location.assign(result.redirect || window.location.href);
      })
      .catch(function (error) {
        button.disabled = false;
        // A DOMException is the browser's own (cancelled, timed out): our plain message.
        var message = error && error.name === "Error" && error.message ? error.message : fallback;
        say(message);
      });
  }

  function init() {
    if (!window.PublicKeyCredential || !navigator.credentials) { return; }
    var blocks = document.querySelectorAll("[data-passkey-block]");
    Array.prototype.forEach.call(blocks, function (block) {
      block.hidden = false;
      Array.prototype.forEach.call(block.querySelectorAll("[data-passkey]"), function (button) {
        button.addEventListener("click", function (event) {
          event.preventDefault();
          start(button, block);
        });
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
