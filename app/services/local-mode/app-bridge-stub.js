// Local stand-in for Shopify's App Bridge (cdn.shopify.com is unreachable offline).
// It provides what Hookline uses of the `shopify` global: idToken(), toast, config, and
// same-origin fetch with "Authorization: Bearer <session token>". Served only in local mode.
(function () {
  "use strict";
  var script = document.currentScript;
  var meta = document.querySelector('meta[name="shopify-api-key"]');
  var apiKey = (script && script.getAttribute("data-api-key")) || (meta && meta.getAttribute("content")) || "";
  var params = new URLSearchParams(window.location.search);
  var shop = params.get("shop") || sessionStorage.getItem("hookline:shop") || "demo-store.myshopify.com";
  sessionStorage.setItem("hookline:shop", shop);
  var token = params.get("id_token") || sessionStorage.getItem("hookline:id_token");
  if (token) sessionStorage.setItem("hookline:id_token", token);
  var realFetch = window.fetch.bind(window);

  function expiresSoon(jwt) {
    try {
      var payload = JSON.parse(atob(jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
      return payload.exp * 1000 < Date.now() + 10000;
    } catch (e) {
      return true;
    }
  }

  function idToken() {
    if (token && !expiresSoon(token)) return Promise.resolve(token);
    return realFetch("/local/session-token?shop=" + encodeURIComponent(shop))
      .then(function (r) {
        return r.json();
      })
      .then(function (body) {
        token = body.token;
        sessionStorage.setItem("hookline:id_token", token);
        return token;
      });
  }

  window.fetch = function (input, init) {
    var url = new URL(
      typeof input === "string" || input instanceof URL ? String(input) : input.url,
      window.location.href,
    );
    if (url.origin !== window.location.origin || url.pathname.indexOf("/local/") === 0) return realFetch(input, init);
    return idToken().then(function (jwt) {
      var headers = new Headers((init && init.headers) || (input instanceof Request ? input.headers : undefined));
      if (!headers.has("Authorization")) headers.set("Authorization", "Bearer " + jwt);
      if (input instanceof Request) return realFetch(new Request(input, Object.assign({}, init, { headers: headers })));
      return realFetch(input, Object.assign({}, init, { headers: headers }));
    });
  };

  var toastRegion;
  function showToast(message, options) {
    if (!toastRegion) {
      toastRegion = document.createElement("div");
      toastRegion.setAttribute("role", "status");
      toastRegion.setAttribute("aria-live", "polite");
      toastRegion.setAttribute("data-testid", "local-toast");
      toastRegion.style.cssText =
        "position:fixed;bottom:16px;left:50%;transform:translateX(-50%);z-index:9999;font:14px system-ui,sans-serif";
      document.body.appendChild(toastRegion);
    }
    var item = document.createElement("div");
    var isError = options && options.isError;
    item.textContent = message;
    item.style.cssText =
      "margin-top:8px;padding:10px 16px;border-radius:8px;color:#fff;background:" + (isError ? "#8e1f0b" : "#1a1a1a");
    toastRegion.appendChild(item);
    setTimeout(
      function () {
        item.remove();
      },
      (options && options.duration) || 5000,
    );
    return String(Date.now());
  }

  // App Bridge's scopes API (query / request / revoke), answered by the local development store,
  // which records the grant and sends app/scopes_update like Shopify. The local merchant accepts.
  var storeUrl = window.__HOOKLINE_LOCAL_STORE_URL__ || "";
  function scopesCall(path, body) {
    if (!storeUrl) return Promise.reject(new Error("The local store URL is unknown (LOCAL_STORE_URL)"));
    return idToken().then(function (jwt) {
      return realFetch(storeUrl + "/_local/app-bridge/scopes" + path, {
        method: body ? "POST" : "GET",
        headers: body
          ? { Authorization: "Bearer " + jwt, "Content-Type": "application/json" }
          : { Authorization: "Bearer " + jwt },
        body: body ? JSON.stringify(body) : undefined,
      }).then(function (r) {
        return r.json().then(function (answer) {
          if (!r.ok) throw new Error(answer.error || "scopes request failed (" + r.status + ")");
          return answer;
        });
      });
    });
  }
  var scopes = {
    query: function () {
      return scopesCall("");
    },
    request: function (list) {
      return scopesCall("/request", { scopes: list });
    },
    revoke: function (list) {
      return scopesCall("/revoke", { scopes: list });
    },
  };

  // shopify.loading(true/false): Shopify admin shows its loading bar above the app; here, a bar at
  // the top of the page (issue 13: client-side navigation and long actions show progress).
  var loadingBar;
  function showLoading(on) {
    var visible = on !== false;
    if (!loadingBar) {
      loadingBar = document.createElement("div");
      loadingBar.setAttribute("role", "progressbar");
      loadingBar.setAttribute("aria-label", "Loading");
      loadingBar.setAttribute("data-testid", "local-loading");
      loadingBar.className = "hookline-loading";
      document.body.appendChild(loadingBar);
    }
    loadingBar.hidden = !visible;
    loadingBar.setAttribute("aria-busy", visible ? "true" : "false");
  }

  var style = document.createElement("style");
  style.textContent =
    "ui-nav-menu{display:flex;flex-wrap:wrap;gap:16px;padding:10px 16px;background:#1a1a1a;font:14px system-ui,sans-serif}" +
    "ui-nav-menu a{color:#fff;text-decoration:none}ui-nav-menu a:hover,ui-nav-menu a:focus{text-decoration:underline}" +
    ".hookline-loading{position:fixed;top:0;left:0;right:0;height:3px;z-index:10000;overflow:hidden;background:#c9e8d9}" +
    ".hookline-loading[hidden]{display:none}" +
    ".hookline-loading::after{content:'';position:absolute;top:0;bottom:0;width:40%;background:#1a6f5c;" +
    "animation:hookline-loading 1.2s ease-in-out infinite}" +
    "@keyframes hookline-loading{from{left:-40%}to{left:100%}}";
  document.head.appendChild(style);

  window.shopify = {
    config: { apiKey: apiKey, shop: shop, host: params.get("host") || "", locale: "en" },
    environment: { embedded: true, mobile: false, pos: false },
    idToken: idToken,
    toast: { show: showToast, hide: function () {} },
    scopes: scopes,
    loading: showLoading,
    origin: window.location.origin,
  };

  // The server's bounce page (/auth/session-token) asks App Bridge to come back with a token.
  var reload = params.get("shopify-reload");
  if (reload) {
    idToken().then(function (jwt) {
      var target = new URL(reload, window.location.href);
      if (target.origin !== window.location.origin) return;
      target.searchParams.set("id_token", jwt);
      window.location.replace(target.href);
    });
  }
})();
