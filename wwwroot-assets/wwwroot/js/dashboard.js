// Small helpers the dashboard calls through JS interop. No framework, no build step.
window.openelbDashboard = {
    getTheme: function () {
        try { return window.localStorage.getItem("openelb-dashboard-theme"); } catch { return null; }
    },
    // Called by the layout once the interactive circuit has rendered: tests and the wall wait for it.
    markInteractive: function () {
        document.body.dataset.circuit = "connected";
    },
    setTheme: function (value) {
        try { window.localStorage.setItem("openelb-dashboard-theme", value); } catch { /* private mode: keep it for this page only */ }
    },
    // The viewer's IANA time zone (e.g. "Europe/Berlin"), so the audit log can show times in it; null when unknown.
    timeZone: function () {
        try { return Intl.DateTimeFormat().resolvedOptions().timeZone || null; } catch { return null; }
    }
};
