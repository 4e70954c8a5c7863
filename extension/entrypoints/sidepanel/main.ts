import { mountConversationPanel } from '../../ui/conversation-panel.ts';

mountConversationPanel(document.getElementById('panel')!);
