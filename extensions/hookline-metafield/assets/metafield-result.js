/*
 * Hookline result block: posts the request to the Hookline webhook, then polls for the customer
 * metafield by re-rendering the block's section through Shopify's Section Rendering API
 * (GET <this page>?section_id=<section id>) until the block renders a result or the timeout passes.
 * With "The webhook answers with the result" (a wait-mode webhook), a 2xx answer with a body is
 * shown at once; 202 (no response in time) and 204 fall back to polling.
 * Plain ES2017, no dependencies; safe to load more than once per page.
 */
(function () {
  "use strict";
  if (window.__hooklineMetafieldResult) return;
  window.__hooklineMetafieldResult = true;

  var DONE_STATES = { result: true, unreadable: true };
  var MESSAGES = {
    working: "Working on it…",
    result: "Your result is ready.",
    unreadable: "Your result arrived but could not be read.",
    timeout: "This is taking longer than expected. Try again in a moment.",
    error: "Your request could not be sent. Check your connection and try again.",
  };

  function uuid() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    // Older browsers and insecure contexts: a version 4 UUID from getRandomValues.
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map
      .call(bytes, function (b) {
        return (b + 0x100).toString(16).slice(1);
      })
      .join("");
    return (
      hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20)
    );
  }

  function seconds(value, fallback, min, max) {
    var n = Number(value);
    if (!isFinite(n) || n <= 0) n = fallback;
    return Math.min(Math.max(n, min), max);
  }

  function sleep(ms) {
    return new Promise(function (resolve) {
      setTimeout(resolve, ms);
    });
  }

  function setState(block, state) {
    block.setAttribute("data-state", state);
    block.setAttribute("aria-busy", state === "working" ? "true" : "false");
    var status = block.querySelector("[data-hookline-status]");
    if (status) status.textContent = MESSAGES[state] || "";
    var button = block.querySelector("[data-hookline-button]");
    if (button) {
      button.disabled = state === "working";
      if (state === "timeout" || state === "error") button.textContent = "Try again";
    }
  }

  /** The block as the section renders it now, or null when it is not there. */
  function fetchRenderedBlock(block) {
    var url = new URL(window.location.href);
    url.hash = "";
    url.searchParams.set("section_id", block.getAttribute("data-section-id"));
    return fetch(url.toString(), { credentials: "same-origin", cache: "no-store", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) return null;
        return response.text();
      })
      .then(function (html) {
        if (html === null) return null;
        var doc = new DOMParser().parseFromString(html, "text/html");
        var id = block.getAttribute("data-hookline-block");
        var found = null;
        doc.querySelectorAll("[data-hookline-block]").forEach(function (candidate) {
          if (candidate.getAttribute("data-hookline-block") === id) found = candidate;
        });
        return found;
      });
  }

  function formFields(form) {
    var fields = {};
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string") fields[name] = value;
    });
    return fields;
  }

  function request(block, form) {
    var webhookUrl = block.getAttribute("data-webhook-url");
    var customerId = block.getAttribute("data-customer-id");
    var intervalMs = seconds(block.getAttribute("data-poll-interval"), 2, 1, 60) * 1000;
    var timeoutMs = seconds(block.getAttribute("data-timeout"), 30, 1, 600) * 1000;
    // customer_id and request_id come last so a form field cannot replace them.
    var payload = Object.assign(formFields(form), { customer_id: customerId, request_id: uuid() });
    var signature = block.getAttribute("data-customer-signature");
    if (signature) payload.customer_signature = signature;
    setState(block, "working");

    return fetch(webhookUrl, {
      method: "POST",
      mode: "cors",
      credentials: "omit",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(payload),
    })
      .then(function (response) {
        if (!response.ok) throw new Error("webhook answered " + response.status);
        var waited = block.getAttribute("data-wait-response") === "true";
        if (waited && response.status !== 202 && response.status !== 204) {
          return response.text().then(function (text) {
            showAnswer(block, text, response.headers.get("Content-Type") || "");
          });
        }
        return poll(block, Date.now() + timeoutMs, intervalMs);
      })
      .catch(function () {
        setState(block, "error");
      });
  }

  /** The webhook's answer, shown as text (never as HTML): JSON objects and lists pretty-printed. */
  function showAnswer(block, text, contentType) {
    var content = block.querySelector("[data-hookline-content]");
    if (!content) return;
    var shown = text;
    var preformatted = false;
    if (/json/i.test(contentType)) {
      try {
        var value = JSON.parse(text);
        if (typeof value === "string") shown = value;
        else {
          shown = JSON.stringify(value, null, 2);
          preformatted = typeof value === "object" && value !== null;
        }
      } catch (error) {
        shown = text;
      }
    }
    var wrapper = document.createElement("div");
    wrapper.className = "hookline-result__value";
    wrapper.setAttribute("data-hookline-value", "");
    var element = document.createElement(preformatted ? "pre" : "p");
    element.textContent = shown;
    wrapper.appendChild(element);
    content.textContent = "";
    content.appendChild(wrapper);
    setState(block, "result");
  }

  function poll(block, deadline, intervalMs) {
    return sleep(intervalMs)
      .then(function () {
        return fetchRenderedBlock(block).catch(function () {
          return null;
        });
      })
      .then(function (fresh) {
        var state = fresh && fresh.getAttribute("data-state");
        if (fresh && DONE_STATES[state]) {
          var content = block.querySelector("[data-hookline-content]");
          var freshContent = fresh.querySelector("[data-hookline-content]");
          if (content && freshContent) content.innerHTML = freshContent.innerHTML;
          setState(block, state);
          return;
        }
        if (Date.now() + intervalMs > deadline) {
          setState(block, "timeout");
          return;
        }
        return poll(block, deadline, intervalMs);
      });
  }

  function attach(block) {
    if (block.getAttribute("data-hookline-attached") === "true") return;
    var form = block.querySelector("[data-hookline-form]");
    if (!form || !block.getAttribute("data-customer-id") || !block.getAttribute("data-webhook-url")) return;
    block.setAttribute("data-hookline-attached", "true");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (block.getAttribute("data-state") === "working") return;
      request(block, form);
    });
  }

  function attachAll() {
    document.querySelectorAll("[data-hookline-block]").forEach(attach);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", attachAll);
  else attachAll();
  // The theme editor re-renders sections when settings change.
  document.addEventListener("shopify:section:load", attachAll);
})();
