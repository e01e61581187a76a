// Reads the server's CapabilityStatement and shows what it serves.
(function () {
  const base = new URL('../fhir', window.location.href).href.replace(/\/$/, '');
  const status = document.getElementById('status');

  function show(statement) {
    document.getElementById('base').textContent = base;
    document.getElementById('fhir-version').textContent = statement.fhirVersion || 'unknown';
    const software = statement.software || {};
    document.getElementById('software').textContent = [software.name, software.version].filter(Boolean).join(' ');
    const list = document.getElementById('types');
    const resources = (statement.rest && statement.rest[0] && statement.rest[0].resource) || [];
    resources.forEach(function (r) {
      const item = document.createElement('li');
      const params = (r.searchParam || []).length;
      item.textContent = r.type + ' (' + params + ' search parameters)';
      list.appendChild(item);
    });
    document.getElementById('details').hidden = false;
    status.textContent = 'The server is up.';
  }

  fetch(base + '/metadata', { headers: { Accept: 'application/fhir+json' } })
    .then(function (response) {
      if (!response.ok) {
        throw new Error('HTTP ' + response.status);
      }
      return response.json();
    })
    .then(show)
    .catch(function (error) {
      status.textContent = 'The FHIR server did not answer: ' + error.message;
    });
})();
