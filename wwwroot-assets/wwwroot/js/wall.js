// The NOC wall's browser side, and the one place that starts Blazor (App.razor loads blazor.web.js with
// autostart="false"). Other pages start with Blazor's defaults; /wall gets its own reconnection handler, because a
// wall runs unattended for weeks: it must never sit behind a modal, must keep retrying, and must reload itself when
// the server no longer knows its circuit (server restarted, circuit expired).
(function () {
    "use strict";

    var onWall = /^\/wall\/?$/i.test(window.location.pathname);

    // Tile-area measurement: the page fits as many tiles as the screen holds and pages through the rest.
    var observer = null;
    var target = null;
    var dotnet = null;
    var timer = 0;

    function report() {
        timer = 0;
        if (!target || !dotnet) {
            return;
        }
        var rem = parseFloat(window.getComputedStyle(document.documentElement).fontSize) || 16;
        dotnet.invokeMethodAsync("FitAsync", target.clientWidth, target.clientHeight, rem).catch(function () { /* circuit down: the next resize or reconnect reports again */ });
    }

    function schedule() {
        if (!timer) {
            timer = window.setTimeout(report, 150);
        }
    }

    window.openelbWall = {
        observe: function (id, reference) {
            window.openelbWall.unobserve();
            target = document.getElementById(id);
            dotnet = reference;
            if (!target) {
                return;
            }
            observer = new ResizeObserver(schedule);
            observer.observe(target);
            report();
        },
        unobserve: function () {
            if (observer) {
                observer.disconnect();
            }
            observer = null;
            target = null;
            dotnet = null;
        }
    };

    // Reconnection. One loop at a time; state lives in these few variables, so weeks of outages allocate nothing
    // that stays.
    var down = false;
    var looping = false;
    var badge = null;

    function sleep(ms) {
        return new Promise(function (resolve) { window.setTimeout(resolve, ms); });
    }

    function showBadge(text) {
        if (!badge) {
            badge = document.createElement("div");
            badge.className = "wall-reconnecting";
            badge.setAttribute("role", "status");
            document.body.appendChild(badge);
        }
        badge.textContent = text;
        badge.hidden = false;
    }

    function hideBadge() {
        if (badge) {
            badge.hidden = true;
        }
    }

    // Reload only when the server answers, so that the wall never lands on the browser's own error page (which
    // does not retry by itself).
    async function reloadWhenReachable() {
        for (;;) {
            try {
                var response = await fetch(window.location.href, { cache: "no-store" });
                if (response.ok) {
                    window.location.reload();
                    return;
                }
            } catch (e) { /* still unreachable */ }
            await sleep(5000);
        }
    }

    async function reconnectLoop() {
        if (looping) {
            return;
        }
        looping = true;
        var delay = 1000;
        var attempts = 0;
        try {
            while (down) {
                await sleep(delay);
                if (!down) {
                    return;
                }
                attempts++;
                showBadge("Connection to the dashboard lost: reconnecting (attempt " + attempts + ")…");
                try {
                    // true: reconnected; false: the server answered but no longer knows the circuit; throws: unreachable.
                    if (await window.Blazor.reconnect()) {
                        down = false;
                        hideBadge();
                        return;
                    }
                    showBadge("The dashboard restarted: reloading…");
                    await reloadWhenReachable();
                    return;
                } catch (e) {
                    // Unreachable: keep trying, at most every 15 s; after about 10 minutes start afresh once it answers.
                }
                if (attempts >= 45) {
                    showBadge("Still reconnecting: reloading when the dashboard answers…");
                    await reloadWhenReachable();
                    return;
                }
                delay = Math.min(delay * 2, 15000);
            }
        } finally {
            looping = false;
        }
    }

    var wallReconnection = {
        onConnectionDown: function () {
            down = true;
            document.body.dataset.circuit = "reconnecting";
            showBadge("Connection to the dashboard lost: reconnecting…");
            reconnectLoop();
        },
        onConnectionUp: function () {
            down = false;
            document.body.dataset.circuit = "connected";
            hideBadge();
        }
    };

    // An unhandled error ends the circuit and shows Blazor's error bar; a wall has nobody to click "Reload".
    function watchErrorUi() {
        var errorUi = document.getElementById("blazor-error-ui");
        if (!errorUi) {
            return;
        }
        var reloading = false;
        new MutationObserver(function () {
            if (!reloading && window.getComputedStyle(errorUi).display !== "none") {
                reloading = true;
                window.setTimeout(reloadWhenReachable, 10000);
            }
        }).observe(errorUi, { attributes: true, attributeFilter: ["style"] });
    }

    if (onWall) {
        watchErrorUi();
        window.Blazor.start({ circuit: { reconnectionHandler: wallReconnection } });
    } else {
        window.Blazor.start();
    }
})();
