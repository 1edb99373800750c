// Small helpers the dashboard calls through JS interop. No framework, no build step.
window.openelbDashboard = {
    getTheme: function () {
        try { return window.localStorage.getItem("openelb-dashboard-theme"); } catch { return null; }
    },
    setTheme: function (value) {
        try { window.localStorage.setItem("openelb-dashboard-theme", value); } catch { /* private mode: keep it for this page only */ }
    }
};
