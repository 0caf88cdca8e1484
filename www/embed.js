/* Pelita embed script: put it next to one or more player iframes marked `data-pelita`.
 *
 *   <iframe data-pelita src="https://lessons.example.org/?module=modules/phishing.json"
 *           title="Recognising phishing" style="width:100%;border:0"></iframe>
 *   <script src="https://lessons.example.org/embed.js" defer></script>
 *
 * It tells each player which page embeds it (the `embed_origin` launch parameter, added to
 * the iframe's address), sizes the iframe to the player's content as it changes, and
 * re-emits the player's results on the iframe as DOM events that bubble:
 * `pelita:completed`, `pelita:passed`, `pelita:failed`, with `event.detail.score`
 * ({scaled, raw, min, max}). A message is believed only when it comes from that iframe's
 * window and from the player's origin; anything else is ignored. */
(function () {
  "use strict";
  var KINDS = { "pelita:completed": 1, "pelita:passed": 1, "pelita:failed": 1 };
  var frames = [];

  function origin(url) {
    try { return new URL(url, location.href).origin; } catch (e) { return null; }
  }

  function adopt(frame) {
    if (frame.__pelita) return;
    frame.__pelita = true;
    var src = frame.getAttribute("src") || "";
    var url;
    try { url = new URL(src, location.href); } catch (e) { return; }
    if (!url.searchParams.has("embed_origin")) {
      url.searchParams.set("embed_origin", location.origin);
      frame.setAttribute("src", url.href);
    }
    frame.setAttribute("scrolling", "no");
    frames.push({ frame: frame, origin: url.origin });
  }

  function scan() {
    var found = document.querySelectorAll("iframe[data-pelita]");
    for (var i = 0; i < found.length; i++) adopt(found[i]);
  }

  addEventListener("message", function (event) {
    var data = event.data;
    if (!data || typeof data.type !== "string") return;
    for (var i = 0; i < frames.length; i++) {
      var f = frames[i];
      if (event.source !== f.frame.contentWindow || event.origin !== f.origin) continue;
      if (data.type === "pelita:resize") {
        var h = Number(data.height);
        if (isFinite(h) && h > 0 && h < 100000) f.frame.style.height = Math.ceil(h) + "px";
      } else if (KINDS[data.type]) {
        f.frame.dispatchEvent(new CustomEvent(data.type, {
          bubbles: true,
          detail: { score: data.score || null }
        }));
      }
      return;
    }
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", scan);
  else scan();
  // Frames added later (a portal that renders on the client) are adopted too.
  new MutationObserver(scan).observe(document.documentElement, { childList: true, subtree: true });
  window.PelitaEmbed = { scan: scan };
})();
