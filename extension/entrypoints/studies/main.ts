// Thin entrypoint: the studies page lives in extension/study/page.ts.
import { mountStudiesPage } from '../../study/page.ts';

mountStudiesPage();
