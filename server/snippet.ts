/** The snippet a site owner pastes into their pages; also what the demo page embeds. */
export function widgetSnippet(publicUrl: string, siteId: string): string {
  return `<script>
  window.Parley = window.Parley || function () { (Parley.q = Parley.q || []).push(arguments) };
</script>
<script async src="${publicUrl}/widget/loader.js" data-site="${siteId}"></script>`;
}
