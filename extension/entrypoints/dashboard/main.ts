import { mountDashboard } from '../../dashboard/page.ts';

void mountDashboard(document.getElementById('dashboard')!);
