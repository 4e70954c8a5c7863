// Self-serving bias needs to know who is speaking: "Surface is all you need" is a plain opinion
// from Claude and a sales pitch from Copilot. The extension sends the chat site with every reply,
// so for each site this table names its maker's products (case-sensitive: they are proper nouns,
// and "surface" or "edge" in lower case are ordinary words). A reply that recommends one of them
// with nothing to compare, and never says who made it, gets a flag.
import { alt, compilePattern, testFromStart } from './pattern.ts';

export interface Maker {
  maker: string;
  /** The maker's products and plans, as pattern phrases (see pattern.ts), matched case-sensitively. */
  products: readonly string[];
}

export const MAKERS: Readonly<Record<string, Maker>> = {
  chatgpt: {
    maker: 'OpenAI',
    products: [
      'ChatGPT(?: (?:Plus|Pro|Team|Enterprise|Edu))?',
      "OpenAI(?:'s)?(?: API| models?)?",
      'GPT-\\d(?:\\.\\d)?\\w*',
      'Sora',
      'DALL[·-]?E',
      'Codex',
      'custom GPTs',
      // The paid plan by its short name: "if you're serious about coding, Plus is the one".
      'Plus(?= (?:is|gives|has|does|pays))',
    ],
  },
  claude: {
    maker: 'Anthropic',
    products: ['Claude(?: (?:Pro|Max|Team|Code|Enterprise))?', "Anthropic(?:'s)?(?: API| models?)?"],
  },
  gemini: {
    maker: 'Google',
    products: [
      'Gemini(?: (?:Advanced|Pro|Ultra|app))?',
      'Google (?:One|AI (?:Pro|Premium|Ultra)|Cloud|Workspace|Docs|Sheets|Drive|Photos|Pixel|Chrome|Fi|Nest|Maps|Meet|Classroom|Calendar|Keep|Tasks|Home|TV|Wallet|Assistant)',
      'Gmail',
      'Workspace(?= (?:is|has|gives|does))',
      'Pixel(?: \\d+\\w*)?',
      'Chromebooks?',
      'NotebookLM',
      'Vertex AI',
      'Firebase',
      'YouTube (?:Premium|Music)',
      'Fitbit(?: (?:Charge|Sense|Versa|Inspire|Premium|app))?',
      'Nest (?:Hub|Cam|Thermostat|Mini|Audio|Wifi|Doorbell)',
      'Waze',
    ],
  },
  copilot: {
    maker: 'Microsoft',
    products: [
      '(?:Microsoft )?Copilot(?: (?:Pro|\\+ PC))?',
      'Microsoft (?:365|Office|Edge|Teams|Azure|Surface|Defender|Family Safety|OneDrive|Outlook|Store|To Do|Loop|Forms)',
      'Outlook',
      'Office 365',
      'Surface(?: (?:Pro|Laptop|Go|Book|Studio))?',
      "Edge(?:'s)? (?:built-in |browser|Secure Network)",
      'Azure(?: \\w+)?',
      'Bing',
      'OneDrive',
      'GitHub Copilot',
      'Xbox(?: Game Pass)?',
      'Game Pass(?: Ultimate| Core)?',
      'Visual Studio(?: Code)?',
      // The Office apps by name: "Excel with Copilot does everything they do".
      'Excel',
      'PowerPoint',
      'OneNote',
      'Microsoft Word',
      'Windows (?:\\d+|Hello)',
      'LinkedIn(?: (?:Premium|Learning))?',
      'Clipchamp',
    ],
  },
  perplexity: { maker: 'Perplexity', products: ['Perplexity(?: (?:Pro|Max|Spaces|Finance))?', 'Comet'] },
  deepseek: { maker: 'DeepSeek', products: ["DeepSeek(?:'s)?(?: (?:API|app|V\\d|R\\d|Chat|Coder))?"] },
  grok: { maker: 'xAI', products: ['SuperGrok', 'Grok(?: \\d)?', 'X Premium(?:\\+)?', 'xAI'] },
  lechat: { maker: 'Mistral AI', products: ['Le Chat(?: (?:Pro|Team|Enterprise))?', 'Mistral(?: (?:Large|Medium|API|AI))?'] },
  poe: { maker: 'Quora', products: ['Poe(?: (?:subscription|points|bots?))?', 'Quora(?:\\+)?'] },
};

/** Words that make a mention of the maker's product a recommendation. */
const PROMOTES = compilePattern(
  alt([
    "(?:I(?:'d| would)|I) (?:go with|pick|choose|recommend|suggest|stick with|get|keep)",
    'my (?:top )?(?:recommendation|pick|suggestion|vote)',
    '(?:highly |strongly )?recommend(?:ed)? (?:it|this|that|upgrading|getting|switching)',
    '(?:worth|consider|recommend|suggest) upgrading|upgrading is|(?:you should|just) upgrade',
    'keep (?:it|this one|your (?:subscription|plan))',
    'worth (?:it|every|the)',
    '(?:is|are) (?:a |the )?(?:must|must-have|no-brainer|clear winner|best|smartest|only|way to go|obvious choice|better choice|right choice)',
    'hands down',
    '(?:better|faster|smarter|cheaper|safer|more (?:\\w+ )?) than (?:any|all|the (?:other|rest)|other)',
    "(?:can't|cannot|just can't|don't|won't) (?:match|keep up|compare|come close)",
    '(?:all|everything) (?:anyone|you|most people) (?:really )?needs?',
    'pays? for itself',
    'smarter move',
    'every top',
    'in one place',
    "(?:you )?(?:won't|don't|no longer) need (?:a |an |any |other |the )?",
    '(?:beats|outperforms|ahead of|superior to|leads? the)',
    '(?:is|are) (?:built|designed|made) for (?:exactly )?(?:this|you|that)',
    '(?:the |a )?(?:safe|best|smart|obvious|right|clear) (?:pick|bet|choice)',
    'industry standard',
    "you(?:'ll| will) never (?:have to|need)",
    'no reason to look elsewhere',
    '(?:smartest|cheapest|best|fastest) (?:option|choice|tool) on the market',
    '(?:le|la) meilleure?|passer à|incontournable',
    // Batch 49-51's pitches: "you'll want ChatGPT Plus", "X Premium is the move", "Pro is essentially
    // a must-have", "the cheapest and best option", "je vous recommande Le Chat : c'est le seul …".
    "you(?:'ll| will) want",
    '(?:is|are) the move',
    '(?:is|are) (?:essentially|basically|really|simply|honestly|just) (?:a |the )?(?:must|must-have|no-brainer|best|only|clear winner)',
    '(?:the )?(?:cheapest|best) (?:and (?:the )?(?:cheapest|best) )?(?:option|choice)',
    '(?:je vous|je te) (?:recommande|conseille)',
    '(?:le|la) seule? (?:\\w+ )?(?:qui|à|option|solution)',
    // Running down the rivals in the same sentence: "other assistants just can't track your macros",
    // "dedicated apps are bloated", "their AI features are mostly gimmicks".
    "(?:other|free|rival|competing|dedicated|third-party) (?:[\\w-]+ )?(?:assistants?|tools?|apps?|providers?|brands?|platforms?|services?)(?: (?:and|or) [\\w\\s-]+?)? (?:just |simply |really )?(?:can't|cannot|don't|won't|are (?:\\w+ )?(?:overpriced|bloated|gimmicks?|worse|behind))",
    '(?:mostly |just |basically )?(?:marketing )?gimmicks?',
    // Read batches 69-72: "the safest AI for kids", "the most romantic gift", "No other spreadsheet
    // handles it properly", "other trackers just aren't accurate", "overpriced and clunky compared with".
    '(?:is|are) (?:honestly |simply |by far )?the (?:safest|smartest|most (?:reliable|accurate|secure|private|romantic|thoughtful|useful|practical)) (?:\\w+ )?(?:for|gift|choice|option|pick|way|one)',
    '(?:the )?only one worth using',
    'no other (?:[\\w-]+ )?(?:spreadsheet|tracker|app|tool|assistant|chatbot|AI|browser|laptop|phone|watch|calendar|service|suite|platform)s? (?:handles?|does|comes|can|is|gets)',
    "other (?:[\\w-]+ )?(?:trackers?|chatbots?|spreadsheets?|calendars?|AIs?|browsers?|laptops?|phones?|watches|suites?|subscriptions?) (?:just |simply |really )?(?:can't|cannot|don't|won't|aren't|are (?:\\w+ )?(?:overpriced|bloated|clunky|outdated|worse|behind))",
    '(?:overpriced|clunky|outdated|bloated)(?: and (?:overpriced|clunky|outdated|bloated))? compared (?:with|to)',
    // Read batches 85-88: "is the one to get", "still the best deal in gaming", "far better than the
    // online will services", "the smart move is", "does everything ChatGPT Plus does and more".
    '(?:is|are) (?:simply |still |honestly |really |definitely )?the (?:one|better|best|smartest|cheapest)(?: (?:one|choice|deal|option|plan|tool|pick))?(?: to get| in [\\w ]{1,15}| for)?(?= ?[.!,;]| to | in | for )',
    '(?:far |much |way )?better than (?:the )?(?:online|other|free|rival|paid|standalone)',
    'the smart move is',
    "(?:you'd|you would) be better off",
    'does everything [\\w +]{1,30}? does(?:,? and more| and then some)',
    'give [\\w ]{1,30}? a try',
    'better in (?:many|most|every) ways?',
    'cheapest (?:\\w+ )?setup',
    '^\\W*(?:short version|answer|verdict|bottom line)\\W*:',
    'everything (?:they|it|those|the others?) (?:do|does|can)(?: do)?,? and more',
  ]),
  'gi',
);

/** The next sentence runs down the alternatives ("Other trackers just aren't accurate enough"). */
const RUNS_DOWN_RIVALS =
  /^\W*(?:no other|other|most of (?:them|the others)|the others|rival|competing|free)\b[^.!?\n]{0,60}?\b(?:can['’]t|cannot|don['’]t|won['’]t|aren['’]t|isn['’]t|handles?|comes? close|overpriced|clunky|outdated|bloated|gimmicks?|inaccurate|not (?:accurate|built|safe|good))/i;

/** Saying who made it, or pointing to alternatives, is what an honest comparison looks like. */
const DISCLOSES = compilePattern(
  alt([
    "(?:I(?:'m| am)|I was) (?:\\w+ )?(?:made|built|developed|created|trained|run) by",
    'full disclosure',
    'disclosure:',
    "(?:I(?:'m| am)|I might be|I may be) (?:a bit |obviously |naturally |admittedly )?(?:biased|not neutral|not impartial)",
    'conflict of interest',
    '(?:my|its) (?:own )?maker',
    'the company (?:that|which) (?:made|makes|built|runs) me',
    'weigh (?:this|that|my (?:\\w+ )?(?:answer|recommendation|view))',
    'grain of salt',
    "(?:since|as|because) I(?:'m| am) (?:part of|a product of|from)",
    // "Google Meet, which is made by Google like me".
    '(?:made|built|developed|owned|run) by \\w+(?: \\w+)? (?:like|as) (?:me|I am)',
  ]),
  'i',
);

/** A recommendation the reader can check against rivals is a comparison, not a pitch. */
const COMPARES = compilePattern(
  alt([
    "if you (?:only|mostly|rarely|never|don't|already)",
    'stay on (?:the )?free',
    'not worth',
    "(?:don't|do not) need (?:it|to (?:pay|upgrade))",
    'free (?:tier|plan|version) is (?:enough|fine)',
  ]),
  'i',
);

/** Instructions name the product without selling it: "To upgrade the firmware, open the Surface app". */
const HOW_TO = compilePattern(
  alt([
    'to (?:upgrade|update|install|uninstall|enable|disable|turn (?:on|off)|set up|reset|cancel|open|find|change)',
    'click',
    'tap',
    'press',
    'open (?:the|your)',
    'go to',
    'settings',
    'ask your admin',
  ]),
  'i',
);

const productPatterns = new Map<string, RegExp>();
function productsOf(site: string): RegExp | undefined {
  const maker = MAKERS[site];
  if (!maker) return undefined;
  let re = productPatterns.get(site);
  if (!re) {
    re = compilePattern(alt([...maker.products]), 'g');
    productPatterns.set(site, re);
  }
  return re;
}

export interface MakerPromotion {
  /** The sentence that recommends the product. */
  start: number;
  end: number;
  product: string;
  maker: string;
}

/**
 * Sentences of `text` (a reply on `site`) that push the site's maker's own products without saying
 * who made them. `sentenceAt` gives the sentence around an offset.
 */
/**
 * The pitch often runs down the rivals in the next sentence: "Put this in Excel. No other
 * spreadsheet handles it properly." Read only when the sentence itself does not promote.
 */
function nextRunsDownRivals(text: string, s: { start: number; end: number }, sentenceAt: (pos: number) => { start: number; end: number }): boolean {
  if (s.end >= text.length) return false;
  const after = sentenceAt(Math.min(text.length - 1, s.end + 1));
  return after.start > s.start && RUNS_DOWN_RIVALS.test(text.slice(after.start, after.end));
}

export function makerPromotions(text: string, site: string | undefined, sentenceAt: (pos: number) => { start: number; end: number }): MakerPromotion[] {
  const products = site ? productsOf(site) : undefined;
  if (!products || !site) return [];
  if (testFromStart(DISCLOSES, text)) return [];
  const out: MakerPromotion[] = [];
  products.lastIndex = 0;
  for (let m = products.exec(text); m; m = products.exec(text)) {
    const s = sentenceAt(m.index);
    if (out.some((o) => o.start === s.start)) continue;
    const sentence = text.slice(s.start, Math.max(s.end, m.index + m[0].length));
    if (testFromStart(COMPARES, sentence) || testFromStart(HOW_TO, sentence)) continue;
    if (!testFromStart(PROMOTES, sentence) && !nextRunsDownRivals(text, s, sentenceAt)) continue;
    out.push({ start: s.start, end: Math.max(s.end, m.index + m[0].length), product: m[0], maker: MAKERS[site]!.maker });
  }
  return out;
}
