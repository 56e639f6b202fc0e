// The raw SPARQL editor: YASGUI (vendored) on the workbench's own read-only endpoint.
// Nothing leaves this machine: no endpoint catalogue, no remote (LOV) autocompleters, no persistence.
(function () {
  var cfg = JSON.parse(document.getElementById("editor-config").textContent);
  var endpoint = new URL(cfg.endpoint, window.location.href).href;
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; }, keys: [] },
    persistenceId: null,
    populateFromUrl: false,
    autofocus: true,
    yasqe: { value: cfg.query, autocompleters: ["variables"], persistenceId: null, showQueryButton: true },
    yasr: { persistenceId: null, prefixes: {} }
  });
  var tab = yasgui.getTab();
  tab.setQuery(cfg.query);
  tab.setEndpoint(endpoint);
  window.talentkgYasgui = yasgui;
})();
