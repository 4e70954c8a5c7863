// Injected into the active tab only when the reader picks "Check with Unspun" (activeTab).
import { installSelectionCheck } from '../ui/selection-check.ts';

export default defineUnlistedScript(() => {
  installSelectionCheck();
});
