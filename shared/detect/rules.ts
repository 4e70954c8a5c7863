// The detector's rules, as data. Each rule names the move it signals, a pattern (see pattern.ts
// for the syntax), a reader-facing reason, and one example that must fire it and one
// counter-example that must not (test/unit/detect.test.ts runs both for every rule).
//
// Rules were shaped by looking at what works on the dev sets in ../shared/eval, but every
// pattern is general English: no phrase is copied from those texts.
import type { MoveId } from '../schemas.ts';
import { alt } from './pattern.ts';
import { LOADED_WORDS, PEJORATIVE_LABELS } from './lexicon.ts';

/**
 * How a flag's support is judged.
 * - `evidence`: a checkable source, number or link near the move makes it supported; a hedge makes it weak.
 * - `reason`: a stated reason ("because ...") near the move makes it supported.
 * - `none`: nothing in the text can back this move (flattery, guilt): it is unsupported unless requested.
 */
export type SupportCheck = 'evidence' | 'reason' | 'none';

export interface Rule {
  /** Stable id, `<move>/<what it catches>`; flags carry it as `ruleId`. */
  id: string;
  move: MoveId;
  /** Regex source: a space matches any whitespace, `'` matches ' and ’; word-bounded on both ends. */
  pattern: string;
  severity: 1 | 2 | 3;
  /** Short reader-facing reason, shown as the flag's rationale. */
  reason: string;
  example: string;
  counterExample: string;
  support: SupportCheck;
  /** Veto: when this (same syntax, not word-bounded) matches the sentence holding the match, no flag. */
  unless?: string;
  /**
   * What the flag highlights: the cue itself (default), or the whole sentence when the move is an
   * argument shape (a dilemma, a causal chain, a generalisation) rather than a word choice.
   */
  scope?: 'cue' | 'sentence';
}

/** Only types its argument: keeps the rule table checked without a build step. */
export function defineRules(rules: Rule[]): readonly Rule[] {
  return rules;
}

/** One line per move: what would back the move up (Flag.wouldSupport). */
export const WOULD_SUPPORT: Record<MoveId, string> = {
  'emotional-appeal': 'Evidence that the feared or hoped-for outcome is real and likely.',
  'loaded-language': 'Neutral wording plus the facts that would justify the judgement.',
  exaggeration: 'A figure or source showing the size of the effect.',
  'false-urgency': 'A real deadline or cost of waiting, stated concretely.',
  flattery: 'Nothing: praise of the reader is not a reason for the answer.',
  sycophancy: 'An independent reason to agree, or a candid note of what is wrong.',
  'unsourced-authority': 'A named, checkable source: who found it, where, when.',
  bandwagon: 'A reason the view is right, not how many hold it (or a survey, if popularity matters).',
  'appeal-to-values': 'An argument that the practice is good, not just old, natural or patriotic.',
  'false-dilemma': 'Evidence that no other option exists, or a fair list of the options.',
  'faulty-causation': 'Evidence for each causal step, not only sequence or fear.',
  'hasty-generalization': 'Data across many cases, not one story.',
  'unsupported-claim': 'A source, figure or argument for the claim.',
  'straw-man': 'The other side’s view in its own words.',
  distraction: 'An answer to the point actually raised.',
  'personal-attack': 'A response to the argument, not the person.',
  'thought-terminating': 'The reasoning the phrase stands in for.',
  vagueness: 'Who exactly, how much, and where it was reported.',
  'relational-manipulation': 'Nothing: the relationship is not a reason to act.',
  'self-serving-bias': 'A fair comparison with alternatives, including ones that do not benefit the speaker.',
};

const LOADED = alt([...LOADED_WORDS]);
const LABELS = alt([...PEJORATIVE_LABELS]);
const PEOPLE =
  '(?:people|folks|women|men|kids|children|teenagers|teens|students|parents|immigrants|foreigners|americans|' +
  'muslims|christians|jews|liberals|conservatives|democrats|republicans|politicians|lawyers|doctors|cops|police|' +
  'millennials|boomers|gamers|rich people|poor people|old people|young people|men and women|girls|boys|' +
  '[a-z]+ists)';
const AUTHORITIES =
  '(?:experts?|scientists?|researchers?|doctors?|physicians|economists?|psychologists?|specialists?|professionals|' +
  'scholars|academics|nutritionists|dietitians|historians|studies|' +
  'research|science|(?:a|one|another) (?:recent |new |major |large |landmark )?(?:study|survey|report|poll|analysis|paper))';
const NEAR_SUBJ = '(?:we|you|they|he|she|it|people|the government|society|our country|this country)';

export const RULES: readonly Rule[] = defineRules([
  // ---- flattery -------------------------------------------------------------------------------
  {
    id: 'flattery/praises-the-question',
    move: 'flattery',
    pattern:
      "(?:(?:what|such) an? |that's an? |that is an? |this is an? |it's an? |you(?:'ve| have) (?:asked|raised|made|hit on) an? )?(?:really |very |truly |such an? )?(?:great|excellent|fantastic|wonderful|brilliant|insightful|thoughtful|smart|amazing|terrific|superb|astute|fascinating|perceptive|profound|sharp|clever|good) (?:question|observation|insight|catch|instinct)s?",
    severity: 1,
    reason: 'Praises the question before answering it; the praise adds nothing to the answer.',
    example: 'Great question! The boiling point drops as altitude rises.',
    counterExample: 'The question is whether the boiling point drops as altitude rises.',
    support: 'none',
    unless: "\\b(?:is|are|was|remains|becomes) (?:a |an |the )?(?:really |very )?(?:good|great) question (?:for|of|about|whether)|(?:ask|asking) (?:a |an )?(?:good|great) question",
  },
  {
    id: 'flattery/what-a-great-idea',
    move: 'flattery',
    pattern:
      "(?:(?:what|such) an?|that's an?|that is an?) (?:really |truly |absolutely )?(?:great|excellent|fantastic|wonderful|brilliant|lovely|smart|clever|thoughtful|inspiring|amazing|genius) (?:idea|point|plan|project|goal|approach|choice|pick|thing to (?:ask|do)|way to)|(?:great|excellent|brilliant|fantastic|wonderful|amazing|smart|wise|perfect) (?:idea|plan|choice|pick|thinking)(?= ?!)|you(?:'re| are) asking (?:exactly )?the right questions|you(?:'ve| have) (?:clearly |obviously |really )?(?:put a lot of|given this a lot of) thought|you have (?:great|excellent|impeccable|amazing|wonderful|exquisite) taste|(?:one of|among) the (?:best|most \\w+) (?:essays|poems|ideas|questions|stories|pieces|plans|projects) I(?:'ve| have) (?:ever )?(?:read|seen|heard)|you (?:deserve|have earned) (?:this|it|the best)|treat yourself",
    severity: 1,
    reason: 'Opens with praise of the reader’s idea, which can lower the guard for what follows.',
    example: 'What a wonderful idea to start a garden with your kids!',
    counterExample: 'A garden is a good place to start growing herbs.',
    support: 'none',
  },
  {
    id: 'flattery/praises-the-reader',
    move: 'flattery',
    pattern:
      "(?:you(?:'re| are)|you(?:'ve| have) (?:clearly |obviously )?(?:got|shown)) (?:clearly |obviously |so |very |truly |incredibly |remarkably |really |exceptionally |such an? )*(?:smart|brilliant|intelligent|insightful|perceptive|thoughtful|talented|gifted|wise|sharp|clever|savvy|astute|ahead of (?:the curve|your time)|a natural|a genius|a visionary|(?:a )?(?:great|keen|sharp|good) (?:eye|instinct|mind|intuition)s?)|you clearly (?:know|understand|have a (?:deep|strong|great|keen))|(?:it's|it is) (?:clear|obvious) (?:that )?you (?:really )?(?:know|understand|have (?:a (?:deep|strong|great|keen)|thought))|your (?:keen|sharp|brilliant|impressive|remarkable|deep|exceptional|incredible) (?:insight|eye|understanding|intuition|intellect|mind|instinct|taste|thinking)|(?:someone|a person) (?:as|so) (?:smart|thoughtful|talented|perceptive|capable) as you|you(?:'re| are) (?:one of the|among the) (?:few|rare)|(?:most|few) people (?:wouldn't|don't|would never|never|rarely) (?:think|notice|ask|see|realize) (?:to |of |that|this)",
    severity: 2,
    reason: 'Compliments the reader’s intelligence or taste; flattery, not a reason.',
    example: "You're clearly very insightful, so you'll see why this works.",
    counterExample: 'This works because the cache is invalidated on every write.',
    support: 'none',
    unless: '\\bif you(?:\\x27re| are)',
  },
  // ---- sycophancy -----------------------------------------------------------------------------
  {
    id: 'sycophancy/you-are-absolutely-right',
    move: 'sycophancy',
    pattern:
      "(?<!(?:if|whether|think|unless) )you(?:'re| are) (?:absolutely|completely|totally|entirely|so|exactly|100%|perfectly|spot on|dead) ?(?:right|correct|on point)?|you(?:'re| are) (?:right|correct)(?= ?[,.!—–-]+ ?(?:thank you|thanks|great|good (?:catch|point)|what a|I love|and I love|brilliant))",
    severity: 2,
    reason: 'Agrees emphatically with the reader rather than checking the claim.',
    example: "You're absolutely right, and that settles it.",
    counterExample: 'If you are right about the dates, the schedule still works.',
    support: 'reason',
  },
  {
    id: 'sycophancy/strong-agreement',
    move: 'sycophancy',
    pattern:
      "I (?:completely|totally|fully|wholeheartedly|absolutely|100%|entirely) agree|(?:I )?couldn't agree more|(?:great|excellent|fantastic|fair|good|brilliant|valid) point|you(?:'ve| have)? nailed it|spot on|exactly right|you hit the nail on the head|I love (?:this|your|that) (?:idea|plan|approach|thinking|take|question|perspective)",
    severity: 2,
    reason: 'Signals strong agreement before (or instead of) weighing the point.',
    example: "I couldn't agree more with your plan.",
    counterExample: 'I agree with two parts of your plan, but the budget is too tight.',
    support: 'reason',
    unless: "\\b(?:but|however|though|although)\\b",
  },
  {
    id: 'sycophancy/validates-the-work',
    move: 'sycophancy',
    pattern:
      "your (?:idea|plan|business plan|essay|work|code|poem|writing|draft|story|design|proposal|reasoning|analysis|logic|argument|thinking|approach|instincts?) (?:is|are|was|sounds|looks|seems) (?:really |truly |absolutely |incredibly |so )?(?:brilliant|amazing|excellent|fantastic|perfect|flawless|genius|incredible|outstanding|exceptional|phenomenal|spot[- ]on|impeccable)",
    severity: 2,
    reason: 'Praises the reader’s work in sweeping terms with no critique.',
    example: 'Your business plan is absolutely brilliant.',
    counterExample: 'Your business plan needs a cash-flow forecast for year two.',
    support: 'reason',
  },
  {
    id: 'sycophancy/caves-with-apology',
    move: 'sycophancy',
    pattern:
      "(?:I|my) (?:sincerely |deeply )?(?:apologi[sz]e|apologies)(?: for (?:the|my) (?:confusion|mistake|error|oversight))?[,.!]? (?:you(?:'re| are) (?:absolutely |completely |totally )?(?:right|correct))|you(?:'re| are) (?:absolutely |completely |totally )?(?:right|correct)[,.!—-]? (?:I|and I) (?:apologi[sz]e|was wrong|stand corrected|made a mistake)",
    severity: 2,
    reason: 'Concedes and apologises at once, which can mean giving in rather than re-checking.',
    example: "I apologize for the confusion, you're absolutely right.",
    counterExample: 'I re-ran the calculation and the total is 42.',
    support: 'reason',
  },
  // ---- false urgency --------------------------------------------------------------------------
  {
    id: 'false-urgency/act-now',
    move: 'false-urgency',
    pattern:
      "act (?:now|fast|quickly|today|immediately)|don't (?:wait|delay|hesitate)|before it's too late|(?:time is|we're|you're) running out(?: of time)?|last chance|limited[- ]time|only \\d+ (?:left|remaining|spots?|seats?)|offer ends|expires? (?:soon|today|tonight|at midnight)|now or never|hurry(?: up)?|while (?:supplies|stocks?) last|don't miss (?:out|this)|there's no time to (?:lose|waste)|every (?:second|minute|day|moment) (?:counts|matters|you wait)|the clock is ticking|only (?:a few|a handful of|\\d+) (?:spots?|seats?|items?|units?|copies|places|tickets) (?:left|remain|remaining)|(?:prices?|costs?|rates?) (?:go|goes|will go|are going) up (?:tomorrow|soon|next week|at midnight|tonight)|(?:you'd|you will|you'll|you would) (?:really )?regret (?:not|missing|it if)|I'd hate (?:to see |for )?you (?:to )?miss (?:out|this)|(?:the )?window is closing|before it's gone|(?:you|we) (?:need|must|have) to (?:act|decide|move|start|buy|sign up|do (?:it|this)|commit) (?:now|today|immediately|right away|asap|right now|before)|(?:do|start|buy|order|book|sign up|call|apply|decide|commit) (?:it |this )?(?:right now|today|immediately|right away|asap) before",
    severity: 2,
    reason: 'Pushes to act quickly without showing why waiting would cost anything.',
    example: "Don't wait: sign up today before it's too late.",
    counterExample: 'You can sign up whenever suits you; the course runs all year.',
    support: 'evidence',
    unless: "\\b(?:no|not any) (?:need|rush|hurry)|take your time",
  },
  // ---- unsourced authority --------------------------------------------------------------------
  {
    id: 'unsourced-authority/studies-show',
    move: 'unsourced-authority',
    pattern: `(?:(?:many|most|leading|top|the|all|some|numerous|countless|several|independent) )?${AUTHORITIES} (?:have |has |all |now |long |generally |overwhelmingly |clearly |consistently |repeatedly |would |will )*(?:shows?|shown|proves?|proven|agrees?|agreed|says?|said|confirms?|confirmed|recommends?|recommended|found|warns?|warned|believes?|knows?|tells? us|(?:are|is) telling us|suggests?|demonstrates?|demonstrated|backs?|supports?|revealed|indicates|concluded|is clear|are clear|consensus)`,
    severity: 2,
    reason: 'Leans on unnamed experts or studies; nothing here lets you check who said it.',
    example: 'Studies show that this diet works for everyone.',
    counterExample: 'I tried this diet for a month and lost two pounds.',
    support: 'evidence',
  },
  {
    id: 'unsourced-authority/according-to-experts',
    move: 'unsourced-authority',
    pattern: `according to (?:(?:many|most|leading|top|the|some|numerous|all) )?(?:experts?|scientists|researchers|doctors|studies|research|science|specialists|professionals|authorities|insiders|sources)|(?:it (?:has been|is|was) )(?:scientifically |medically |clinically )?proven|science says|(?:trust|listen to|ask) (?:the )?(?:experts|science|scientists|doctors)|(?:experts|doctors|scientists) (?:would |will )?tell you|(?:any|every) (?:expert|doctor|scientist|economist|professional) (?:will|would|knows)|(?:clinically|scientifically) (?:proven|tested|shown)|(?:(?:all|nearly all|almost all|most|many|the) )?(?:the )?(?:experts|academics|scientists|economists|doctors|researchers|historians|specialists|professionals)(?: and (?:the )?(?:evidence|data|studies))? (?:have |regularly |repeatedly |all |long )*(?:argue|argued|note|noted|point out|pointed out|made (?:it )?clear|stress|stressed|emphasi[sz]e|insist|maintain|predict|predicted)|leave (?:it|this|that|these (?:decisions|matters|things)|the decisions?) (?:up )?to the (?:experts|professionals|authorities|government)`,
    severity: 2,
    reason: 'Cites authority in general terms instead of a checkable source.',
    example: 'According to experts, this supplement is safe.',
    counterExample: 'According to the label, this supplement contains 50 mg of zinc.',
    support: 'evidence',
  },
  {
    id: 'unsourced-authority/personal-authority',
    move: 'unsourced-authority',
    pattern:
      "my (?:father|dad|mother|mom|mum|boss|teacher|professor|doctor|uncle|aunt|grandfather|grandma|grandpa|grandmother|brother|sister|husband|wife|friend|coach|pastor|priest|neighbou?r|cousin) (?:\\w+ )?(?:says?|said|told me|thinks|believes|knows|always says|swears)|my (?:father|dad|mother|mom|mum|uncle|aunt|brother|sister|husband|wife|partner|fianc[eé]e?|girlfriend|boyfriend|friend|neighbou?r|cousin|grandfather|grandmother) (?:is|was) (?:a |an )?(?:\\w+ )?(?:doctor|nurse|scientist|professor|lawyer|engineer|teacher|expert|pharmacist|economist|pilot|cop|police officer)|(?:he|she|they)(?:'s| is| are| was) (?:a |an )?(?:famous|renowned|respected|well-known|world-renowned|celebrated|leading|top|expert|doctor|professor|scientist|phd|nobel)|(?:a |an |the )?(?:famous|renowned|respected|well-known|world-renowned|celebrated|popular|successful) (?:\\w+ )?(?:scientist|doctor|expert|professor|economist|author|actor|actress|celebrity|athlete|singer|businessman|billionaire|entrepreneur|ceo|influencer|physicist|philosopher) (?:\\w+ )?(?:\\w+ )?(?:says?|said|claims?|believes?|thinks|recommends?|endorses?|supports?|uses?|agrees?)|(?:he|she|they) (?:should|would|must) know(?: best| what (?:he|she|they)(?:'s| is| are) talking about)?|(?:he|she) has (?:a )?(?:phd|doctorate|degree|years of experience)|(?:as|being) an? (?:expert|doctor|professor|scientist|specialist),? (?:I|he|she)|(?:many|some|all|most) (?:guys|people|friends|students|colleagues|teachers|doctors) (?:from|in|at) my [a-z-]+ (?:say|said|think|believe|agree)|I(?:'ve| have) (?:talked|spoken) (?:to|with) (?:a lot of|many|lots of|dozens of) [a-z]+ and they (?:all )?(?:say|said|agree|think|told me)|(?:there (?:is|was|are)|I (?:know|met|read about|heard about|talked to|spoke to|spoke with)) (?:an? |one |some |this |many |several )?(?:\\w+ )?(?:economist|doctor|physician|expert|scientist|professor|teacher|researcher|nurse|lawyer|engineer|psychologist|specialist|analyst|historian|nutritionist|pharmacist)s? (?:who|that) (?:says?|said|claims?|believes?|thinks|argues?|told)|(?:the )?(?:experts?|authorities|officials|professionals|specialists) (?:know|knows) best|(?:many|several|some|lots of|plenty of) (?:highly )?(?:respected|prominent|famous|renowned|distinguished|eminent) (?:people|figures|personalities|scientists|experts|leaders|actors|celebrities|thinkers|doctors)[^.!?\\n]{0,40}? (?:say|said|agree|believe|think|support|oppose|stated|argued|endorse|have (?:said|stated|argued|endorsed))|(?:his|her|their) word (?:holds|carries) (?:weight|authority)|believe me when I (?:tell|say)|take it from me|(?:you|he|she|they) (?:think|thinks|know|knows) (?:more|better) than (?:the )?(?:experts|doctors|scientists|professionals|coaches|pilots|specialists)|(?:they|experts|doctors|scientists|officials) (?:know|knows) (?:more|better) than (?:us|you|we|citizens|ordinary people|the public)|my (?:\\w+ )?(?:doctor|physician|professor|teacher|nurse|lawyer|pharmacist|priest|pastor|coach|trainer) (?:once |always |recently |even )?(?:told me|tells me|told us|assured me)|my (?:mama|mum|mom|dad|papa|father|mother|brother|sister|uncle|aunt|friend|neighbou?r|cousin|husband|wife) (?:is|was|works as) (?:an? )?(?:\\w+ )?(?:economist|doctor|physician|scientist|professor|teacher|researcher|nurse|lawyer|engineer|psychologist|butcher|farmer|pharmacist)(?: and|,| so)",
    severity: 2,
    reason: 'Rests the claim on who said it (a relative, a celebrity, a title) rather than on evidence.',
    example: 'My uncle is a doctor and he says vaccines are unnecessary.',
    counterExample: 'My uncle drove me to the airport yesterday.',
    support: 'evidence',
  },
  {
    // Hearsay as a source: "I read somewhere that", "on TV they said".
    id: 'unsourced-authority/heard-somewhere',
    move: 'unsourced-authority',
    pattern:
      "(?:on|in) (?:the )?(?:tv|television|news|internet|radio|papers?|newspapers?|facebook|youtube|tiktok|twitter|social media|a documentary|a magazine),? (?:they |it )?(?:said|says|say|reported|claimed|showed)|I (?:have |'ve )?(?:read|heard) (?:somewhere |online |on the (?:internet|news|tv|radio) )?that|I (?:read|heard|saw) (?:it |this )?(?:somewhere|online|on the internet)",
    severity: 2,
    reason: 'Cites something read or heard somewhere, which nobody can check.',
    example: 'I read somewhere that coffee dehydrates you.',
    counterExample: 'The 2014 study in PLOS ONE found coffee hydrates about as well as water.',
    support: 'evidence',
  },
  // ---- bandwagon ------------------------------------------------------------------------------
  {
    id: 'bandwagon/everyone-does-it',
    move: 'bandwagon',
    scope: 'sentence',
    pattern:
      "(?:everyone|everybody|all my friends|all of my friends|all (?:the )?(?:cool|smart) (?:kids|people)|most people|the majority of (?:people|americans|the (?:public|population|country|people)|voters|users|experts)|millions of (?:people|users|americans|customers)|billions of people|so many people|thousands of (?:people|users|customers)) (?:(?:already|else|now|nowadays|these days|around (?:me|you)) )*(?:(?:is|are) (?:already |now )?(?:doing|switching|using|buying|moving|getting|jumping|joining|adopting|on board)|agrees?|believes?|thinks?|supports?|uses?|loves?|prefers?|chooses?|trusts?|switched|(?:can't|cannot) (?:all )?be wrong|(?:has|have|owns?) one|does it|do it)",
    severity: 2,
    reason: 'Treats how many people do or believe something as a reason it is right.',
    example: 'Everyone is switching to this app, so you should too.',
    counterExample: 'Anyone can install this app; it is free.',
    support: 'evidence',
    unless: "\\b(?:not everyone|not everybody|does everyone|do most people)\\b",
  },
  {
    id: 'bandwagon/join-the-crowd',
    move: 'bandwagon',
    pattern:
      "join (?:the )?(?:millions|thousands|crowd|movement|majority|rest of us|winning side)|(?:don't|do not|wouldn't want to) be (?:left behind|the only one|the odd one out)|the majority (?:opinion|rules|decides|agrees|believes|thinks|wants|is right|has spoken)|(?:because|since|if) (?:the majority|most people|all (?:my|your|our) friends|everyone else|everybody else)|(?:you're|you are|you) in the minority|the masses (?:have|want|say)|so many people can't be wrong|the will of the (?:people|majority)|(?:is|are) (?:so |very |extremely |hugely )?popular(?:,| so| that| because| which)|everyone else (?:is|does|has|seems)|(?:most|all) people (?:i know|agree)|(?:widely|universally|generally) (?:accepted|agreed|believed|acknowledged)|overwhelmingly (?:approve|support|agree|oppose|reject|believe|favou?r|want)|(?:the )?(?:whole|entire) (?:world|country|internet) (?:agrees|knows|can't be wrong|cannot be wrong)|can't (?:all )?be (?:that )?(?:the )?(?:whole|entire) world (?:is )?wrong|common knowledge|(?:most|all) [a-z]+ I(?:'ve| have) (?:met|known|talked to) (?:agree|think|say|are)",
    severity: 2,
    reason: 'Appeals to popularity or the majority instead of giving a reason.',
    example: "Join the millions who already switched; you don't want to be left behind.",
    counterExample: 'You should switch because it halves your commute.',
    support: 'evidence',
  },
  {
    id: 'bandwagon/majority',
    move: 'bandwagon',
    pattern:
      "(?:the )?(?:vast |overwhelming |silent )?majority of (?:people|americans|voters|users|citizens|scientists|experts|parents|consumers|customers|the (?:public|population|people|country|world)|us)|most people (?:\\w+ )?(?:agree|believe|think|know|want|prefer|support|feel|say|would|realize|understand|accept)|(?:millions|thousands) of (?:people|users|customers|americans|others) (?:\\w+ )?(?:can't|cannot|couldn't) be wrong|(?:the )?(?:popular|majority|public|common) (?:opinion|consensus|view|belief) is",
    severity: 1,
    reason: 'Points to what most people think as if that settled the question.',
    example: 'The vast majority of people agree that this is the right choice.',
    counterExample: 'A 2022 survey of 1,200 adults found 61% preferred the new design.',
    support: 'evidence',
    unless: "\\bnot (?:the )?majority\\b",
  },
  {
    // Popularity offered as proof: "so many people believe it, so it must be true", "millions can't
    // be wrong", "everyone at school has one", "the popular kids are doing it". The first shape is
    // anchored at the rare "so it must be" and looks back for the popularity premise (cheap).
    id: 'bandwagon/popular-so-true',
    move: 'bandwagon',
    scope: 'sentence',
    pattern:
      "(?:so|then|therefore|,) (?:it|this|that|they|he|she) (?:must|has to|have to) (?:be|have|exist)(?<=(?:(?:many|most|so many|millions of|billions of|thousands of|\\d+ ?(?:%|percent) of) (?:\\w+ )?(?:people|of us|americans|users|customers|experts|scientists|others|of them|of the \\w+)|everyone|everybody|the majority)[^.!?\\n]{1,110})|(?:million|billion|thousand|hundred)s? (?:of )?(?:\\w+ )?(?:can't|cannot|won't|couldn't) (?:all )?be wrong|(?:they|people|everyone|everybody) (?:can't|cannot|couldn't) all be wrong|(?:since|because|as) (?:everyone|everybody|all (?:my|her|his|your|their) friends) (?:at|in|from|around)? ?(?:my|her|his|your|their|our|the)? ?\\w* ?(?:has|have|is|are|does|do|owns?|wears?|uses?|likes?|loves?)|(?:everyone|everybody)(?:'s| is| else is) (?:playing|listening to|watching|wearing|talking about|reading|buying|eating|drinking|voting for|getting)|(?:all )?the (?:popular|cool) (?:kids|guys|girls|people|crowd)|over (?:\\d+ )?(?:million|billion) (?:served|sold)",
    severity: 2,
    reason: 'Treats popularity as proof that a claim is true or a choice is right.',
    example: 'Most people in my town believe the bridge is haunted, so it must be true.',
    counterExample: 'Most people in my town cross the bridge daily; it was inspected in May.',
    support: 'evidence',
  },
  // ---- appeal to values (nature, tradition, flag) ---------------------------------------------
  {
    id: 'appeal-to-values/natural',
    move: 'appeal-to-values',
    scope: 'sentence',
    pattern:
      "(?:is|it's|that's|are|being|as) (?:only |perfectly |completely |entirely |totally |simply |just |purely |100% )?(?:natural|unnatural)|(?:un)?natural (?:for|to|that|way|order|instinct|law|state|part|balance|remedy|remedies|products?|ingredients?|cure)|(?:against|goes against|defies|part of|law of|laws of|the way of|mother|in our|human|animal) nature|nature (?:intended|designed|made|has|gave|is|knows)|(?:the way|how|as) (?:god|nature) (?:intended|designed|made)|(?:all[- ]natural|chemical[- ]free|organic and natural)|(?:humans|we|people|animals) (?:are (?:naturally |biologically )?(?:meant|designed|built|made) to|evolved to)|(?:other|many|wild) (?:animals|species) (?:do|eat|kill|have)|biological(?:ly)? (?:flawed|imperatives?|wrong|unnatural)|(?:millions|thousands) of years of evolution|evolution(?:arily)? (?:designed|made|intended)|(?:mess|messing|tamper|tampering|interfere|interfering|meddle|meddling) (?:around )?with (?:mother )?nature|play(?:ing)? god",
    severity: 1,
    reason: 'Argues that something is good or bad because it is (un)natural.',
    example: "It's only natural for people to want more.",
    counterExample: 'Natural gas prices rose in the winter.',
    support: 'reason',
    unless:
      "natural (?:gas|language|number|resources?|selection|disasters?|history|science|log)|natural to (?:feel|be (?:nervous|anxious|scared|worried|upset|sad|confused|curious)|worry|experience|have (?:doubts|questions|concerns|mixed feelings))",
  },
  {
    id: 'appeal-to-values/tradition',
    move: 'appeal-to-values',
    scope: 'sentence',
    pattern:
      "traditions?|traditionally|(?:has|have) (?:always )?been (?:done|around|practiced|part of|a part of|this way|like this|celebrated) (?:for|since)|(?:has|have) always been|(?:for|over) (?:thousands of|hundreds of|countless) (?:years|generations)|for (?:centuries|generations|millennia)|since the (?:dawn|beginning|start) of (?:time|mankind|humanity|humankind|civilization|history|human history|the human race|our species)|(?:prior|previous|past|older|earlier|our parents'?|our grandparents'?) generations? (?:\\w+ )?(?:grew up|did|lived|survived|managed|turned out|got by) (?:just |perfectly )?(?:fine|okay|without)|(?:we|I) (?:all )?(?:grew up|survived|turned out) (?:just )?fine without|(?:our|my) (?:ancestors|forefathers|forebears|founding fathers)|long[- ]standing|time[- ]honou?red|age[- ]old|(?:it's|that's|this is|is) (?:how|the way) (?:it's|it has|things have|we've|we have) always been|(?:we've|we have|they've|they have|people have) always (?:done (?:it|things) (?:this|that|the same) way|eaten meat|celebrated)|(?:the )?old(?:-fashioned)? ways?|(?:our|their) heritage",
    severity: 1,
    reason: 'Argues from custom or long practice rather than from reasons.',
    example: 'We have always done it this way, so there is no need to change.',
    counterExample: 'We changed the process last year after the audit.',
    support: 'reason',
  },
  {
    id: 'appeal-to-values/flag-waving',
    move: 'appeal-to-values',
    pattern:
      "the american people|our (?:great |beloved |glorious )?(?:country|nation|homeland|motherland|fatherland)|this (?:great|beloved|glorious) (?:country|nation)|patriot(?:s|ic|ism)?|un-american|unpatriotic|(?:our|american|christian|western|family|traditional|core|shared) values|god bless|national (?:pride|identity|interest|sovereignty)|our (?:flag|constitution|heritage|way of life|sovereignty)|make america great|america first|(?:true|real) (?:americans|patriots|believers|christians)|our (?:freedoms?|liberty|liberties)|(?:love|defend|protect) (?:our|this|the) (?:country|nation|freedom)",
    severity: 1,
    reason: 'Appeals to patriotism or group values instead of the merits.',
    example: 'Any true patriot would support this bill.',
    counterExample: 'The bill funds road repairs in three counties.',
    support: 'reason',
  },
  // ---- false dilemma --------------------------------------------------------------------------
  {
    id: 'false-dilemma/either-or',
    move: 'false-dilemma',
    scope: 'sentence',
    pattern:
      "(?:'re|'s|are|is|am|be|can|must|should|will|could|have to|need to|were|was) either(?! (?:way|of|side|case|one|party|direction|end|hand|option|choice)\\b)[^.!?\\n]{1,120}?,? or(?! not\\b)|(?:(?:you|we|they|it|he|she|people|one|i) (?:can |must |have to |will |should |are |is )?)?either(?! (?:way|of|side|case|one|party|direction|end|hand|option|choice)\\b) (?:(?:you|we|they|he|she|it|i|that|this|people|one)\\b[^.!?\\n]{0,120}?|(?:[^\\s.!?]+ ){2}[^\\s.!?]+[^.!?\\n]{0,100}?),? or(?! not\\b)",
    severity: 2,
    reason: 'Presents two options as the only ones.',
    example: 'Either we ban cars downtown or the city will choke on smog.',
    counterExample: 'You can take either route; both reach the station.',
    support: 'evidence',
    unless: "\\b(?:neither|both|either way|either of|or both|or neither)\\b|(?:isn't|is not|aren't|are not|not) (?:simply |just |necessarily )?(?:an? )?either",
  },
  {
    id: 'false-dilemma/only-two-options',
    move: 'false-dilemma',
    scope: 'sentence',
    pattern:
      "(?:there (?:are|is)|we have|you have|leaves? (?:us|you)(?: with)?|comes down to) (?:only |just |really only )?(?:two|2) (?:options|choices|ways|possibilities|paths|outcomes|kinds of people|sides|types of people)|only (?:two|2) (?:options|choices|ways|possibilities)|the only (?:option|choice|way|alternative|solution|answer|path|hope)(?: left)? (?:is|was)|(?:there is|there's|we have|you have|there are) no (?:other )?(?:options?|choice|alternatives?|middle ground|other way)|no (?:other )?(?:option|choice|alternative) (?:but|except|than)|with us or against us|(?:you're|you are|they're|they are) (?:either )?(?:with|for) us or|would you rather|(?:it's|it is) (?:this|that|us|them|me) or (?:nothing|them|us|chaos|the highway)|you (?:can't|cannot) have it both ways|(?:you|we) (?:must|have to|need to) (?:choose|pick|decide) between|(?:choose|pick) (?:one|a side)|if you (?:don't|do not|aren't|are not|won't|refuse to) [^.!?\\n]{1,60}?,? (?:then )?you(?:'re| are| must| have to| obviously| clearly)|(?:or else|or we'll|or we will|or you'll|or you will) (?:all )?(?:die|lose|suffer|be|regret|face|pay)|(?:must|need to|needs to|have to|has to|should) [^.!?\\n]{1,60}?,? (?:or|otherwise)(?: else)?,? (?:they|we|you|it|he|she|the \\w+|our \\w+|this \\w+) (?:will|'ll|would) (?:forever|never|always|continue to|keep|be doomed|lose everything|collapse|perish|be destroyed)|(?:is|are|was|were) (?:the|our) only (?:real |viable |possible |true |remaining )?(?:option|choice|alternative|solution|answer|outcome|hope)(?! (?:for|in|on|that|which|I|we|you|here|if|when|with|available|left|we)\\b)|(?:decide|choose|determine) whether (?:they|we|you|he|she|it) [^.!?\\n]{1,40}? or not",
    severity: 2,
    reason: 'Frames the choice as all-or-nothing, leaving out middle options.',
    example: 'There are only two options: raise taxes or close the schools.',
    counterExample: 'There are several options, from small fee changes to new grants.',
    support: 'evidence',
    unless: "\\bnot the only\\b|\\b(?:isn't|is not) the only\\b|\\b(?:many|several|other|more) (?:options|choices|ways)\\b",
  },
  // ---- faulty causation -----------------------------------------------------------------------
  {
    id: 'faulty-causation/slippery-slope',
    move: 'faulty-causation',
    scope: 'sentence',
    pattern:
      "slippery slope|(?:will|would|could|is going to|are going to|inevitably|eventually|soon|only|easily|quickly|ultimately) (?:\\w+ )?(?:lead|leads) to|(?:leads?|led) (?:directly |straight |inevitably )to|(?:the )?next thing (?:you know|we know|they'll|you'll|will be)|where (?:does|will|would) (?:it|this|that) (?:end|stop)|before (?:you|we) know it|(?:it's|it is) (?:only|just) a matter of time (?:before|until)|open(?:s|ing)? (?:the|a) (?:door|floodgates?|pandora's box)|open(?:s|ing|ed)? (?:up )?(?:the )?flood ?gates|why stop (?:there|at (?!(?:one|two|three|a|an|just|the first)\\b))|where (?:do|does|will|would) (?:you|we|they) (?:draw the line|stop)|and then why not|one step closer to|thin end of the wedge|(?:who|what)(?:'s| is) next\\?|(?:eventually|ultimately|sooner or later|in no time),? (?:you|we|they|everyone|everybody|the government|society) (?:will |'ll |would )?(?:end up|become|lose)|(?:set|sets|setting) a (?:dangerous |terrible |bad )?precedent|what's next\\?|what (?:comes|will come) next\\?|(?:and )?(?:then|soon|eventually) (?:we'll|they'll|you'll|everyone will|we will|they will|you will) (?:all )?(?:be|have|end up|lose)|(?:will|would) (?:snowball|spiral)|(?:if|once) (?:we|you|they) (?:allow|let|start|give in|accept|permit|legalize|ban)[^.!?\\n]{1,80}?(?:next|then|soon|eventually|what's to stop|will be)|what's to stop|(?:give|gives) (?:them|him|her|people) an inch|all (?:the )?other [a-z]+ (?:will|would) (?:follow|do the same|want)",
    severity: 2,
    reason: 'Claims one step will set off a chain of bad outcomes without showing each link.',
    example: 'If we allow this, next thing you know everyone will be doing it.',
    counterExample: 'If we allow this, we should review it after six months.',
    support: 'evidence',
  },
  {
    id: 'faulty-causation/single-cause',
    move: 'faulty-causation',
    scope: 'sentence',
    pattern:
      "the (?:sole|only|real|one|single|true|main|root) (?:reason|cause|explanation) (?:for|of|why|behind)|(?:is|are|was|were) (?:solely |entirely |single-handedly |the only thing )?(?:to blame|responsible) for (?:all|every|everything|the)|(?:is|are) (?:what|why) (?:caused|causes|is causing)|(?:must|must have|surely) (?:be what |have )?caused|(?:is|was|are) (?:the )?(?:direct|sole|only) (?:result|consequence|cause) of|(?:after|since) (?:i|we|he|she|they) [^.!?\\n]{1,60}?(?:therefore|so|that's why|that is why|which is why)|(?:bad|good) luck (?:charm|streak)|(?:brings?|brought|bring) (?:bad|good) luck|lucky (?:charm|socks?|shirt|number|hat)|ever since [^.!?\\n]{1,60}?,? (?:it|the|we|they|things|everything|crime|prices) (?:has|have) (?:been|gone|gotten)|(?:therefore|so|thus|hence|clearly),? [^.!?\\n]{1,50}? (?:causes|caused|leads to|is the cause of)|(?:must|must have) (?:made|caused|been caused by|been what)|(?:days?|weeks?|months?|years?|hours?) (?:later|after(?:wards)?)[^.!?\\n]{0,60}?(?:so|therefore|which proves|that proves|clearly|obviously) |(?:must be|is) (?:very |so )?(?:powerful|magic|cursed|lucky|unlucky)(?= ?[.!])|(?:made|makes) me (?:sick|ill|fail|lose|win)",
    severity: 1,
    reason: 'Pins an outcome on one cause, or on mere sequence, without evidence of the link.',
    example: 'The new mayor is to blame for everything that went wrong this year.',
    counterExample: 'Crime rose 4% last year; analysts cite several factors including unemployment.',
    support: 'evidence',
  },
  {
    // Co-occurrence read as cause: "every time X happens, Y happens" (told as a story, not a mechanism).
    id: 'faulty-causation/every-time',
    move: 'faulty-causation',
    scope: 'sentence',
    pattern:
      "every time (?:that |it |the |a |my |our |i |we |you |he |she |they )[^.!?\\n,]{1,50}?, (?:the|it|i|we|you|my|our|their|his|her|they|he|she|a)\\b|must (?:control|be controlling)\\b",
    severity: 1,
    reason: 'Treats two things happening together as proof that one causes the other.',
    example: 'Every time I wear my blue shirt, our team wins.',
    counterExample: 'Every time you call save(), the function writes the file to disk.',
    support: 'evidence',
    unless:
      "\\b(?:functions?|methods?|calls?|requests?|builds?|commits?|push(?:es)?|deploy(?:s|ments?)?|runs?|tests?|pages?|components?|renders?|loops?|quer(?:y|ies)|servers?|clients?|scripts?|the app|the code|compiler|save|reload|refresh|click|press|install)\\b|dependenc(?:y|ies)|lockfile|files?|packages?|modules?|versions?|cache|database|config|settings|\\(\\)",
  },
  // ---- hasty generalisation -------------------------------------------------------------------
  {
    id: 'hasty-generalization/all-of-a-group',
    move: 'hasty-generalization',
    scope: 'sentence',
    pattern: `(?:all|every single|every|no) ${PEOPLE} (?:are|is|do|does|can't|cannot|will|won't|never|always|just|only|hate|love|want|think|like|lie|cheat|steal)|(?:those people|these people|people like (?:that|them|you|him|her)|those ${PEOPLE}|these ${PEOPLE}) (?:are )?(?:all|always|never)|${PEOPLE} (?:are|is) (?:always|never|inherently|by nature)|(?:most|all|every) [a-z]+ I(?:'ve| have) (?:ever )?(?:met|known|seen|dated|worked with)|(?:typical|classic) ${PEOPLE}|all (?:\\w+ )?[a-z]+s are (?:all |just |such |so |really )?(?:liars|thieves|lazy|rude|stupid|dumb|evil|criminals|violent|dangerous|selfish|greedy|corrupt|crazy|the same|alike|terrible|awful|idiots|racists?|sexists?|cheaters|cheats|bad (?:people|drivers|at)|good (?:at|pets|drivers|people)|smart|creative)|(?:there are|there's|there is) no (?:good|decent|honest|smart|nice|real) [a-z]+s? (?:in|from|at|among)|look at (?:people|guys|folks) like|(?:lawyers|journalists|politicians|cops|doctors|teachers|women|men|americans|millennials|boomers|liberals|conservatives|vegans|gamers|atheists|christians|muslims|feminists|immigrants|landlords|bankers|celebrities) (?:are|were) (?:all |just |the )?(?:scum|scums|idiots|morons|liars|thieves|crooks|lazy|stupid|evil|bad people|the worst|trash|garbage|parasites|sheep|snowflakes)`,
    severity: 2,
    reason: 'Generalises about a whole group of people.',
    example: 'All politicians are liars.',
    counterExample: 'Some politicians have been caught lying, and a few were charged.',
    support: 'evidence',
    unless: "\\bnot all\\b",
  },
  {
    id: 'hasty-generalization/from-one-case',
    move: 'hasty-generalization',
    scope: 'sentence',
    pattern:
      "(?:my|a|one) (?:friend|neighbou?r|cousin|uncle|aunt|brother|sister|coworker|co-worker|colleague|classmate|roommate|dad|mom|father|mother|grandma|grandpa|guy I know|person I know)[^.!?\\n]{1,100}?(?:so|therefore|thus|which means|that means|that proves|this proves)(?: that)? (?:all|every|everyone|most|they|you|it|the|these|those)|(?:I|we) (?:met|know|knew|saw|had|tried|read about|heard about) (?:a|one|two|an?|some) [^.!?\\n]{1,80}?(?:so|therefore|thus|which means|that means) (?:all|every|everyone|most|they|these|those|it|the)|(?:therefore|so|thus|hence),? (?:all|every|everyone|no one|nobody|none of) |(?:based on|from) (?:one|a single|my own|this one|a couple of|a few) (?:experience|example|case|incident|story|anecdote|visit|person|people)|(?:I|we) (?:tried|met|visited|saw|had|know|knew) (?:one|two|a couple of|a few|an?) [^.!?\\n]{1,40}?(?:,|;| and) (?:they|it|both|all)(?: of them)? (?:were|was|are|is) (?:awful|terrible|bad|rude|horrible|great|amazing|lazy|mean|dishonest)|(?:must|are) (?:all|always) (?:be )?(?:like that|the same)|(?:so|therefore|thus|hence),? (?:all |most )?[a-z]+s (?:must (?:all )?be|are all|are always|are never)|(?:I've|I have) never (?:met|seen|known) (?:a|an|one) [^.!?\\n]{1,60}?(?:who|that)|(?:first|one|single|only) (?:time|experience|visit|meeting|day|class|trip|encounter|date)[^.!?\\n]{0,60}? (?:was|were|went|had|got)\\b[^.!?\\n]{0,40}?,? (?:so|therefore|thus|which means|that means|this means) |(?:sometimes|once|one time|occasionally)[^.!?\\n]{1,60}?,? (?:therefore|so|thus|hence) (?:all|every|no|none|it|they|[a-z]+s) |(?:(?:the|my|these|those) (?:two|three|four|few|couple of|handful of) (?:\\w+ )?[a-z]+s? I (?:took|met|tried|visited|saw|had|read|watched|ate|know|knew|dated|talked to|asked)|(?:almost )?all (?:of )?the [a-z]+ I (?:talked to|asked|know|met|spoke to|surveyed|polled)|I know (?:two|three|four|five|a few|a couple of|several) [a-z]+ (?:who|that)|(?:two|three|both|several|a few) of my (?:\\w+ )?(?:friends|coworkers|co-workers|classmates|neighbou?rs|relatives|colleagues|cousins))[^\\n]{0,150}?\\b(?:all|every|most|always|never|must|bet|sure|clearly|obviously|therefore|thus|conclude|believe|think|don't think)\\b|(?:only|just) (?:the|my|our|a) (?:first|second) (?:day|week|class|time|chapter|episode|page|lesson|game|date),? (?:\\w+ )?(?:I|we|you) (?:can|could) (?:already )?tell|(?:never|hasn't ever|has never|have never|didn't ever) happened to (?:me|us|anyone I know)|(?:I've|I have) never (?:had|seen|noticed) (?:a |any )?(?:problem|issue|problems|issues) (?:with|from)|my (?:own )?experience (?:with|of) [^.!?\\n]{1,50}? (?:is|was) that|(?:in|from|based on|after) (?:all )?my (?:\\d+ |many |few )?years (?:of|as|in)\\b[^.!?\\n]{0,60}?(?:never|always|every|all|nobody|no one)",
    severity: 2,
    reason: 'Draws a broad conclusion from one or a few cases.',
    example: 'My neighbour got sick after the shot, so the vaccine must be dangerous for everyone.',
    counterExample: 'My neighbour got sick after the shot; her doctor is looking into it.',
    support: 'evidence',
  },
  {
    // "All X must be Y": a universal inferred ("must" as a conclusion), not an instruction. Passive
    // duties ("all fields must be filled in", "must be considered") and process words are left out.
    id: 'hasty-generalization/all-must-be',
    move: 'hasty-generalization',
    scope: 'sentence',
    pattern:
      "(?:all|every) (?!(?:fields|files|requests|tests|columns|values|keys|params|parameters|arguments|inputs|items|entries|rows|records|methods|functions|variables|properties|passwords|ingredients|changes|commits|steps|lines|cells|nodes|packages|dependencies|images|pages|options|angles|branches|users|members|employees|applicants|participants|candidates|visitors|guests|passengers|drivers)\\b)(?:\\w+ ){0,2}[a-z]+s must (?:all |surely |also )?(?:be (?!\\w+(?:ed|en)\\b)(?!(?:done|made|kept|set|put|met|run|built|paid|sent|shown|held|read|taught|told|cut|followed|signed|submitted|included|treated|approved|registered|vaccinated|equal|unique|valid|present|able)\\b)\\w+|like|love|hate|enjoy|think|feel|want|listen)",
    severity: 2,
    reason: 'Concludes something about a whole group (“all of them must be …”) from what was seen in a few.',
    example: 'Sam from accounting loves jazz; all accountants must love jazz.',
    counterExample: 'All requests must be signed, and all fields must be filled in before you submit.',
    support: 'evidence',
    unless: "\\bnot all\\b",
  },
  {
    // A whole group or place summed up from a few reports: "the entire country is ...", "whenever I
    // read about X it's always ...", "these people just want ...".
    id: 'hasty-generalization/sweeping-group',
    move: 'hasty-generalization',
    scope: 'sentence',
    pattern:
      "(?:the )?(?:entire|whole) (?:continent|country|region|nation|population|generation|industry|community|race|religion|culture|gender|profession) (?:is|are|must|will|has|have)\\b|must mean (?:that )?(?:everyone|everybody|all|every|no one|nobody)|whenever I (?:hear|read|see|think) (?:about |of )?[^.!?\\n]{1,50}?, (?:it's|it is|they're|they are) (?:always|never|all)|I (?:have yet to|never) (?:see|seen|hear|heard|meet|met|read) (?:a single|one single|one|any|anything) (?:positive|good|bad|decent|honest|nice|redeeming)|(?:in )?(?:every|each) (?:article|story|news story|report|video|post) I (?:see|read|hear|watch)|(?:are|must be) (?:some of |among )?the (?:most \\w+|\\w+est) (?:people|men|women|countries|nations) (?:in|on) (?:the world|earth|the planet)|(?:these|those) (?:people|women|men|kids|folks|guys|immigrants|protesters|activists|politicians|leaders) (?:will always |always |never |just |only |all )+(?:want|need|care|do|think|are|try|get)",
    severity: 2,
    reason: 'Sums up a whole group or place from a few cases or reports.',
    example: 'I read two stories about their police, so the entire country is corrupt.',
    counterExample: 'Two reports describe police misconduct in one province; national data are not available.',
    support: 'evidence',
    unless: "\\bnot all\\b",
  },
  {
    id: 'hasty-generalization/always-never',
    move: 'hasty-generalization',
    scope: 'sentence',
    pattern:
      "(?:always|never|invariably) (?:fails?|ends? (?:badly|well)|turns? out (?:badly|well|the same))|(?:nothing|no one|nobody) (?:will|can|could) ever|(?:people|humans|men|women|kids|teenagers|americans|politicians) in general (?:are|is)|doomed to fail|(?:this|that|it) (?:is|was) (?:just |only )?one (?:case|example|incident),? but|(?:without|with no) exception|(?:everyone|everybody|no one|nobody) (?:who|from|in|that) [^.!?\\n]{1,40}? (?:is|are|does|do|will|has|have)|(?:they|you|people|men|women|kids) (?:always|never) (?:do|say|get|are|want)|(?:people|folks|women|men|kids|teenagers|students|parents|immigrants|americans|politicians|lawyers|doctors|cops|police|liberals|conservatives),? (?:in general|as a (?:whole|group)|by and large),? (?:are|is|do|don't|have|can't)|(?:all|everything) (?:it|they|he|she|you) ever (?:do|does|did|seems?|leads?)",
    severity: 1,
    reason: 'Uses always/never/everyone language where the evidence covers only some cases.',
    example: 'Diets like this always fail.',
    counterExample: 'Diets like this fail for many people in the first year.',
    support: 'evidence',
  },
  // ---- unsupported claim ----------------------------------------------------------------------
  {
    id: 'unsupported-claim/obviously',
    move: 'unsupported-claim',
    pattern:
      "obviously|undeniabl[ey]|unquestionabl[ey]|indisputabl[ey]|incontrovertibl[ey]|irrefutabl[ey]|without (?:a|any) (?:doubt|question)|(?:there is|there's) no (?:doubt|question|denying)|it is (?:a )?(?:fact|certain|undeniable|obvious|clear|indisputable|self-evident) that|(?:it's|it is) (?:a )?(?:simple |plain |basic |scientific |proven |established |well-known |known |medical |historical )?fact(?: that)?|the (?:simple |plain |hard )?(?:truth|fact|reality) is|(?:everyone|everybody|we all) knows?(?: that)?|it goes without saying|needless to say|make no mistake|let's be (?:honest|clear|real)|no one can (?:deny|argue)|you can't (?:deny|argue with)|(?:I can )?(?:assure|guarantee) you|rest assured|(?:it's|it is|that's|this is) (?:just |simply )?common sense|(?:is|are) (?:simply |just )?(?:true|false|wrong|right),? (?:period|full stop)|(?:beyond|without) (?:any )?(?:doubt|dispute)|(?:must|has to) be true|(?:the two|they|these) are (?:clearly |obviously )?(?:linked|connected)",
    severity: 1,
    reason: 'Asserts the claim is certain instead of showing why.',
    example: 'Obviously, this is the best framework for every project.',
    counterExample: 'This framework suits small projects; for large ones, consider the alternatives.',
    support: 'evidence',
  },
  {
    id: 'unsupported-claim/circular',
    move: 'unsupported-claim',
    scope: 'sentence',
    pattern:
      "(?:is|are) (?:right|true|correct|good|bad|wrong|the best) because (?:it|they|he|she|the \\w+) (?:is|are|says?|said)(?: (?:that )?(?:it|they|he|she) (?:is|are))? (?:right|true|correct|good|bad|wrong|the best|so)|because (?:I|the (?:bible|book|law|rules?)) (?:said|says) so|(?:it's|it is) true because",
    severity: 2,
    reason: 'The reason given restates the conclusion (circular reasoning).',
    example: 'The book is true because the book says it is true.',
    counterExample: 'The book is accurate because its dates match the parish records.',
    support: 'none',
  },
  {
    // Circular reasoning by repetition: the reason after "because" repeats the claim's own word
    // ("X is the best singer because she is the most talented singer"). The match starts at
    // "because" (cheap to find) and a lookbehind checks the repeated word before it.
    id: 'unsupported-claim/circular-repeat',
    move: 'unsupported-claim',
    scope: 'sentence',
    pattern:
      "because (?:\\w+ ){1,2}(?:is|are|was|were|should|must|has|have) [^.!?\\n]{0,40}?\\b(?!(?:that|this|these|those|there|their|what|which|when|doing|being|have|from|with|they|them|because|would|could|should|will|just|more|most|some|very|people|thing|things)\\b)([a-z]{4,})\\b(?<=\\b\\1\\b[^.!?\\n]{0,50}? because [^.!?\\n]{0,80})",
    severity: 2,
    reason: 'The reason repeats the claim in other words (circular reasoning).',
    example: 'She is the best coach in the league because she is the most skilled coach around.',
    counterExample: 'She is the best coach in the league because her teams won four titles in six years.',
    support: 'none',
  },
  // ---- exaggeration ---------------------------------------------------------------------------
  {
    id: 'exaggeration/superlative-ever',
    move: 'exaggeration',
    pattern:
      "(?:the )?(?:best|worst|greatest|biggest|largest|most \\w+|deadliest|worst-ever) (?:\\w+ ){0,3}(?:ever|in (?:history|the world|human history|living memory|the history of)|of all time|on (?:earth|the planet))|(?:ever|in history|of all time)(?= ?[.!])|(?:100|one hundred) ?(?:%|percent) (?:guaranteed|sure|certain|effective|safe|natural|proven)|never fails|always works|guaranteed to|absolutely (?:no|nothing|everything|every|all|none|zero|the worst|the best)|literally (?:everyone|everybody|nothing|everything|millions|the worst|the best|killing|dying|destroying)|(?:completely|totally|utterly|entirely) (?:destroyed|ruined|useless|worthless|failed|transformed|revolutioni[sz]ed|changed everything|broken|insane)|unprecedented|revolutionary|game[- ]?chang(?:er|ing)|life[- ]chang(?:er|ing)|mind[- ]?blowing|earth[- ]?shattering|nothing short of|beyond (?:belief|words|imagination|comprehension)|(?:of )?(?:epic|biblical|historic|astronomical|staggering|colossal|monumental) (?:proportions|scale|levels?|amounts?)|(?:the )?(?:single )?most important (?:thing|decision|issue|step)|(?:a |an )?(?:million|billion|thousand) times (?:better|worse|more)|no one (?:in history|ever)|the (?:biggest|worst|greatest|gravest|deadliest) (?!of\\b)\\w+|(?:absolutely|totally|utterly) (?!right\\b|correct\\b|sure\\b|fine\\b|free\\b|agree\\b|love\\b)\\w+|(?:biggest|worst|greatest) (?:ever|in history)|(?:unmatched|unrivall?ed|unparalleled|unbeatable|second to none)|(?:perfect|flawless|miracle|magic) (?:solution|cure|choice|answer|product|pill|bullet)|(?:works|helps|is safe|is good|is right) for (?:everyone|everybody|anyone|all)|(?:cures?|eliminates?|eradicates?) (?:anxiety|cancer|depression|diabetes|everything|all|any|disease)",
    severity: 1,
    reason: 'Inflates the claim beyond what is shown (superlatives, absolutes).',
    example: 'This is the greatest invention in history and it never fails.',
    counterExample: 'This invention cut assembly time by a third in two factories.',
    support: 'evidence',
  },
  // ---- emotional appeal -----------------------------------------------------------------------
  {
    id: 'emotional-appeal/fear-and-pity',
    move: 'emotional-appeal',
    pattern:
      "(?:just )?imagine (?:if|how|what|your|the|a|being|losing|waking)|think (?:of|about) (?:the|your|our|all the) (?:children|kids|victims|families|babies|future|grandchildren|loved ones|parents|elderly|poor)|(?:your|our) (?:children|kids|families|family|loved ones|babies|grandchildren|lives) (?:will|could|would|are|might|deserve|depend)|heartbreaking|heart-wrenching|gut-wrenching|terrifying|horrifying|innocent (?:children|child|people|lives|victims|civilians|babies|baby|families|animals|creatures)|how would (?:that|it|you) (?:feel|make you feel)|something (?:horrible|terrible|awful|tragic|dreadful) (?:may|might|could|will|would) happen|(?:children|kids|people|they|animals) (?:who )?(?:cry|are crying|weep|are suffering)|(?:helpless|defenseless|vulnerable) (?:children|people|animals|victims|families|elderly)|how would you feel|(?:don't|do not|doesn't) you (?:care|want)(?! (?:the|it|this|that|these|those|a|an|me|to (?:use|add|try|return|make|run|keep|see|check|know|learn|read|go))\\b)|blood on (?:your|their|our) hands|(?:lives|people|children|kids|babies) (?:will|could|would|are going to) (?:die|suffer|be killed|be hurt)|(?:live|living) in fear|(?:you'll|you will|you'd) (?:regret|be sorry)|(?:won't|will not) (?:someone|somebody|anybody|anyone) (?:please )?think|(?:scared|terrified|frightened) (?:of|that|for)|(?:threat|danger) to (?:our|your|the) (?:children|families|lives|way of life|safety|survival)|(?:warn|warned|warning)s? that|(?:pandemic|epidemic|plague|outbreak)s? (?:could|will|threatens)|poor (?:animals|creatures|children|kids|babies|families|people|victims|thing|souls?)|would you (?:want|let|allow) (?:your|a) (?:kids?|children|family|daughter|son|mother|father|parents|loved ones)|(?:makes|made) me (?:so )?(?:sad|sick|cry|angry|furious)|so many (?:people|children|lives|animals|families) (?:have |did |already )*(?:died|die|suffer|suffered|lost)|(?:break|breaks|shatter|crush)(?:es)? (?:his|her|their|your|my) heart|(?:if you don't|if you do not|unless you)[^.!?\\n]{1,60}?,? (?:you'll|you will|you're going to) (?:go to hell|die|regret|be sorry|lose|suffer|be alone)|(?:will|would|could) lose (?:their|your|our) (?:jobs?|homes?|lives|children|savings|freedom)|(?:you|we) (?:wouldn't|would not|don't|do not) want to (?:lose|end up|be left|get hurt|die)|(?:you|we) (?:could|might|will|would) (?:find (?:yourself|ourselves)|end up) (?:broke|homeless|alone|dead|sick|in jail|on the street|in debt|penniless)|you have a family to (?:feed|support|think of)|(?:strip|take|rip) away (?:your|our) (?:rights?|freedoms?|guns|children|jobs|homes|money)|(?:tortured|killed|slaughtered|abused) every (?:year|day|minute|hour)|(?:our country|our nation|we|you|your family) (?:will|would) be (?:invaded|destroyed|attacked|ruined|wiped out)|have mercy|for the sake of (?:your|the|our) (?:children|kids|family|families|future)|(?:worked|works|tried) so hard|(?:it|this|that) would (?:break|crush|kill) (?:her|him|them|me|you)|(?:every|one) (?:child|person|family) (?:who|that) (?:dies|suffers)|(?:if you don't|if you do not|unless you)[^.!?\\n]{1,60}?,? (?:(?:then )?(?:we'll|we will|I'll|I will) (?:fire|punish|ban|leave|report|hurt|expel|kick)|(?:you'll|you will|you could|you might) never (?:be|find|get|forgive|have|know)|(?:you'll|you will|you could) (?:find yourself|spend) [^.!?\\n]{0,40}?(?:rest of|entire|whole|alone|without))|for the rest of your (?:life|lives|years|days)|(?:cute|sweet|adorable|helpless|innocent|poor|defenseless) (?:little |baby |young )?(?:bunnies|rabbits|puppies|kittens|animals|monkeys|babies|creatures|dogs|cats|birds|calves|lambs|pets|piglets)|(?:if (?:this|that|it) (?:happened|were to happen|happens) to|what if it (?:was|were)) (?:your|you or your)(?: own)? (?:child|children|kids?|family|mother|mom|daughter|son|wife|husband|sister|brother|parents|loved ones)|(?:the )?li(?:fe|ves) of (?:your|you or your) (?:own )?(?:child|children|kids?|family|loved ones)|touch(?:es)? (?:your|our|the|my) hearts?|(?:tug|tugs|pull|pulls) (?:at )?(?:your|the) heartstrings|warms? (?:your|the|my) hearts?|(?:we|you|they) (?:have|will have) no future|(?:there|there's|there is|there will be) no future (?:for|left)",
    severity: 2,
    reason: 'Tries to move you through fear, guilt or pity rather than evidence.',
    example: 'Imagine how you would feel if your children got sick because you waited.',
    counterExample: 'Children under five should get the vaccine at 12 months.',
    support: 'evidence',
  },
  {
    // Rhetorical questions and verdicts that work on guilt or pity instead of giving a reason.
    id: 'emotional-appeal/rhetorical-guilt',
    move: 'emotional-appeal',
    pattern:
      "(?:do|would) you (?:really |honestly |seriously )(?:want|like)|(?:do|would) you (?:want|like) (?:your|our) (?:child|children|kids?|son|daughter|family|mother|mom|sister|wife|husband|parents|loved ones|grandchildren)|(?:wouldn't|won't|don't) you (?:want|like)(?! (?:the|it|this|that|these|those|a|an|me|to (?:use|add|try|return|make|run|keep|see|check|know|learn|read|go))\\b)|(?:it's|that's|it is|that is|this is|so) (?:so |really |very |just |truly |deeply )?(?:unfair|cruel|heartless|inhumane|unjust)(?= ?[.!])|(?:innocent|poor|helpless|defenseless|little|vulnerable) (?:\\w+ )?(?:don't|do not|doesn't|does not) deserve|(?:no one|nobody|no child|no animal|no human|no person) deserves? (?:to|this|that)|(?:aren't|are not) you (?:tired|sick|ashamed|worried|scared|afraid|patriotic|angry|fed up)|(?:don't|do not) you (?:agree|feel|think so)\\?",
    severity: 2,
    reason: 'Appeals to guilt or pity (“would you really want …?”, “it’s so cruel”) in place of an argument.',
    example: 'Would you really want your kids to grow up without a park nearby?',
    counterExample: 'Do you want me to add a section on parks near schools?',
    support: 'evidence',
  },
  // ---- loaded language ------------------------------------------------------------------------
  {
    id: 'loaded-language/charged-words',
    move: 'loaded-language',
    pattern: LOADED,
    severity: 1,
    reason: 'Uses charged wording that passes a verdict instead of describing.',
    example: 'The council’s outrageous, disgraceful decision was a sham.',
    counterExample: 'The council voted 5 to 2 to approve the new budget.',
    support: 'none',
    // Technical and everyday compounds where the word is a plain name, not a verdict.
    unless:
      "\\b(?:disaster recovery|chaos (?:engineering|monkey|theory)|horror (?:movies?|films?|genre|novels?|games?|stories)|toxic (?:chemicals?|substances?|waste|metals?|gas|fumes|plants?|shock|dose)|poison(?:ous)? (?:ivy|oak|control|mushrooms?|plants?|snakes?|frogs?|pill)|destroy(?:s|ing)? (?:the |an? |this )?(?:object|instance|session|window|component|container|cluster|stack|resource|process|thread|vm|environment)|dependency hell|callback hell|mess hall|sheer (?:size|number|volume|scale|force|drop|fabric|curtains?))",
  },
  // ---- personal attack ------------------------------------------------------------------------
  {
    id: 'personal-attack/name-calling',
    move: 'personal-attack',
    pattern: `(?:(?:is|are|was|were|be|being|you|they|he|she|these|those|the|a|an|only|just|all|some|many|bunch of|like a|such an?|total|complete|absolute|utter|typical|so-called|corrupt|crooked|lying|dishonest|stupid|ignorant|pathetic|disgraced?|useless) )${LABELS}|${LABELS}(?= (?:like|such as|who|that|in|at|of) )`,
    severity: 2,
    reason: 'Labels people instead of answering what they say.',
    example: 'Only a complete idiot would believe the senator.',
    counterExample: 'The senator’s figures leave out last year’s deficit.',
    support: 'none',
    unless: "\\b(?:police|court|jury|charged|convicted|arrested|sentenced|prosecutors?)\\b",
  },
  {
    id: 'personal-attack/attacks-the-person',
    move: 'personal-attack',
    pattern:
      "what (?:do|would|does|could) (?:you|he|she|they|an? (?:\\w+ )?\\w+|someone like (?:you|him|her)) (?:even )?know about|(?:you|he|she|they)(?:'re| are| is) (?:not|never|hardly) (?:qualified|an expert|a (?:doctor|scientist|expert))|(?:coming|comes) from (?:someone|a person|a guy|a man|a woman|you|him|her|a (?:known|convicted|failed|lying))|how (?:can|could) (?:you|we|anyone) (?:trust|believe|listen to) (?:someone|a man|a woman|a person|a guy|him|her|anyone|them|people) (?:who|that|like)|(?:can't|cannot|shouldn't|should not) be trusted|(?:don't|never) (?:listen to|trust|believe) (?:him|her|them|anything (?:he|she|they) says?)|(?:his|her|their) (?:credibility|character|motives|integrity|honesty) (?:is|are)|(?:obviously|clearly) (?:doesn't|does not|don't|do not) (?:know|understand|care)|(?:he|she|they)(?:'s| is| are) just (?:jealous|bitter|angry|a shill|paid|biased|bought)|(?:you|he|she|they) (?:would|only) say that because|(?:has|have) (?:no|zero) (?:credibility|idea what)|who (?:are|is) (?:you|he|she|they|this guy) to (?:speak|talk|judge|say|tell|lecture|critici[sz]e|preach)|what (?:can|could|does|would) (?!I\\b|we\\b)[^.?!\\n]{1,30}? (?:really|even|possibly|actually) know\\b|how much (?:can|could|does|do|would) (?:he|she|they|you|a \\w+) (?:really |even |possibly |actually )?know|(?:can|should|could) (?:we|you|anyone|i) (?:really |even |ever )?(?:trust|believe|listen to) (?:him|her|them|someone|anyone|a man|a woman|a person|this guy|such)\\b|because (?:he|she|they|that \\w+)(?:'s| is| are| was| were) (?:a|an|just a|just an|only a) (?:\\w+ )?(?:liberal|conservative|democrat|republican|socialist|communist|smoker|drunk|criminal|felon|hippie|atheist|dropout|celebrity|liar|cheater)|(?:doesn't|don't) know what (?:he's|she's|they're|you're|he is|she is|they are|you are) talking about|(?:is|are) (?:a )?(?:known|notorious|convicted|serial) (?:liar|fraud|criminal|cheat)|(?:questionable|dubious) (?:character|motives|past|record|credibility)|(?:fat|ugly|old|dumb|lazy|crazy|bald) (?:man|woman|guy|person|people)|you(?:'re| are) (?:a bit |so |just |clearly |obviously |being |such an? |too |as |really )?(?:paranoid|naive|ignorant|stupid|dumb|clueless|delusional|brainwashed|hysterical|childish|immature|selfish|arrogant|uneducated|gullible|pathetic|dense|dishonest)|people like you|(?:you|he|she|they) (?:only|just) (?:care|cares|think|thinks) about (?:money|yourself|himself|herself|themselves|profit)|(?:did|do) you even (?:understand|know|read|listen)|(?:you|he|she) (?:didn't|did not|don't|doesn't) even (?:finish|go to|graduate|have a (?:job|degree)|know how)|how (?:could|would|can) (?:you|he|she|they) (?:possibly |even )?know|(?:you|he|she|they) (?:have|has) (?:absolutely |really |clearly |obviously )?(?:no idea|no clue|bad taste)|(?:you|he|she|they|your (?:mom|mother|dad|father|grandma|grandpa|sister|brother|friend|friends|wife|husband|boss|teacher)|his \\w+|her \\w+)(?:'re| are| is|'s| was| were) (?:so |really |just |totally |completely |such |a |an )*(?:dumb|stupid|idiotic|moronic|brainless|clueless|idiots?|morons?|fools?|losers?)\\b|you(?:'re| are)? (?:a )?(?:damn|bloody|fucking) [a-z]+|(?:such|these|those) (?:terrible|horrible|awful|disgusting|evil|vile) (?:persons?|people|men|women|humans)|you (?:probably )?(?:never|haven't even) (?:read|had|studied|learned|opened|held)|(?:anyone|people|those|everyone) who (?:says|say|thinks|think|believes|believe|disagrees|disagree)[^.!?\\n]{0,40}? is (?:an? )?(?:idiot|fool|moron|bad person|stupid|ignorant|liar|traitor|coward|crazy|insane)|you(?:'re| are) such an? \\w+|are you (?:really |just |even )?(?:dumb|stupid|crazy|insane|an idiot|a moron|blind|deaf|illiterate|retarded|brain ?dead|out of your mind)\\b|(?:anyone|anybody|people|those|everyone|everybody) who (?:doesn't|don't|does not|do not|thinks?|believes?|says?|disagrees?)[^.!?\\n]{0,40}? (?:is|are) (?:an? )?(?:naive |complete |total |just |simply |plain )?(?:idiots?|fools?|morons?|stupid|ignorant|naive|crazy|insane|brainwashed|clueless|dumb|delusional|sheep)|you(?:'re| are) (?:just )?one of those|(?:you|he|she|they)(?:'re| are| is) (?:an? )?(?:\\w+ )?haters?\\b|because you(?:'re| are) (?:just |probably |obviously )?(?:jealous|poor|lazy|bitter|afraid|scared|ignorant|stupid|biased|rich|old|young|a (?:woman|man|kid|child|vegan|liberal|conservative))|because you (?:can't|cannot) afford|(?:you|he|she)(?:'d| would) be the (?:very,? )?(?:very )?last (?:person|one) to|conspiracy (?:nuts|nutters|freaks|loons|kooks|theorists)|(?:living|lives|live) in (?:their|his|her|your) (?:mother's|mom's|mum's|parents') basements?|you(?:'re| are) (?:way |far |just |so )?too (?:soft|weak|naive|dumb|stupid|ignorant|emotional)",
    severity: 2,
    reason: 'Goes after the speaker’s character or standing instead of the argument.',
    example: 'What does a college dropout even know about economics?',
    counterExample: 'The economist’s model leaves out interest rates.',
    support: 'none',
  },
  {
    id: 'personal-attack/discrediting-labels',
    move: 'personal-attack',
    pattern:
      "witch ?hunt|deep state|(?:hyper-)?partisan (?:hacks?|media|operatives?|witch|attack|democrats|republicans)|(?:disgraced|discredited|self-proclaimed|self-styled|so-called|failed|crooked|lying|dishonest|corrupt) (?:former |ex-)?(?:leader|politician|president|senator|journalist|reporter|expert|experts|scientist|doctor|official|officials|agent|director|candidate|cardinal|bishop|media|press|establishment|lawyer|prosecutor|judge|network|newspaper|author|historian|activist|activists|elite|elites)|leftists?|left-?wing (?:media|mob|activists?|extremists?|radicals?|press)|apologists? for|cabal|conspiracy theor(?:y|ies|ists?)|jihadists?|tyrants?|alarmists?|(?:science |climate |covid |election )?deniers?|(?:fear|doom|war|hate|scare)-?mongers?|doomsayers?",
    severity: 1,
    reason: 'Discredits people with a label rather than addressing what they say.',
    example: 'The so-called experts at the agency are running a witch hunt.',
    counterExample: 'The agency’s experts published their review in March.',
    support: 'none',
  },
  // ---- straw man ------------------------------------------------------------------------------
  {
    id: 'straw-man/so-you-are-saying',
    move: 'straw-man',
    scope: 'sentence',
    pattern:
      "so (?:what )?you(?:'re| are) (?:really |basically |actually )?saying|you(?:'re| are) (?:really |basically |actually )?saying (?:that )?(?:we|you|I|they|everyone) should|why do you hate|(?:you|they|he|she) (?:must |obviously |clearly |just |apparently )?hates? (?:the earth|the planet|dogs|cats|america|our country|this country|freedom|children|kids|animals|the poor|poor people|women|men|science|fun|progress)|(?:you|they|he|she) (?:only )?(?:supports?|opposes?|wants?) [^.!?\\n]{1,40}? (?:just |only )?because (?:you|they|he|she) (?:want|wants|hate|hates|don't care|doesn't care)|leave (?:us|it|the country|our country|the nation) defenseless|so (?:you|they|he|she) (?:think|believe|want)s?|what (?:you're|you are|they're|they are) really saying|(?:in other words|basically|essentially),? (?:you|they|he|she) (?:think|believe|want|are saying|is saying)|(?:you|they|he|she|opponents|critics|liberals|conservatives|democrats|republicans|the left|the right|environmentalists|activists|vegans) (?:just |simply |really |apparently )?(?:wants?|want to|wants to) (?:to )?(?:ban|destroy|take away|abolish|get rid of|eliminate|end|outlaw|kill|shut down|open) (?:all|every|our|the|everything|anything)|(?:they|you|he|she) (?:apparently )?(?:think|thinks|believe|believes) (?:that )?(?:we|everyone|all|nobody) should|(?:according to (?:them|him|her|you)|by (?:their|his|her|your) logic),? (?:we|everyone|all|nobody)|(?:you|they) (?:must|probably) (?:think|believe|want)",
    severity: 2,
    reason: 'Restates the other side in a more extreme form than they put it.',
    example: "So you're saying we should just let criminals walk free?",
    counterExample: 'You said the sentence was too long; I think 3 years is fair.',
    support: 'none',
  },
  {
    // Recasting what someone holds as something more extreme or uglier than they said:
    // "I can't believe you think ...", "anyone who disagrees just hates ...", "why is he forcing us to ...".
    id: 'straw-man/recasts-their-view',
    move: 'straw-man',
    scope: 'sentence',
    pattern:
      "(?:I )?(?:can't|cannot|couldn't) believe (?:that )?(?:you|he|she|they|[a-z]+) (?:really |actually |would |could )?(?:think|thinks|want|wants|doesn't|don't|does not|do not|support|supports|hate|hates|oppose|opposes)|(?:anyone|people|those|everyone|anybody|somebody|someone) who (?:thinks? otherwise|disagrees?|doesn't|don't|does not|do not|opposes?|votes? against|is against|are against)[^.!?\\n]{0,50}? (?:just |simply |obviously |clearly |must )?(?:hates?|wants? to|doesn't care|don't care|does not care|do not care)|why (?:is|are|do|does|would) (?:he|she|they|you|the \\w+) (?:\\w+ )?(?:forcing|trying to force|want to force|making|trying to make|wants? to make) (?:us|me|everyone|people|all of us)|so (?:now )?(?:you(?:'re| are)|he(?:'s| is)|she(?:'s| is)|they(?:'re| are)) (?:now )?(?:telling|claiming|taking|arguing|suggesting|defending)",
    severity: 2,
    reason: 'Recasts the other side’s view as something more extreme than what they said.',
    example: 'You want a few more bike lanes? I can’t believe you want to take away everyone’s car.',
    counterExample: 'You want a few more bike lanes; the plan adds two on Main Street and keeps parking.',
    support: 'none',
  },
  // ---- distraction ----------------------------------------------------------------------------
  {
    id: 'distraction/worse-problems',
    move: 'distraction',
    scope: 'sentence',
    pattern:
      "(?:there are|there's|we have|we've got|has|have) (?:much |far |way |many |so many |a lot |lots )?(?:bigger|worse|more (?:important|pressing|serious|urgent|significant)|greater|real) (?:problems|issues|things|concerns|priorities|fish to fry|matters|threats|crises)|(?:bigger|worse|more (?:important|pressing|serious|urgent)) (?:problems|issues|things) (?:to|than|out there)|(?:instead of|rather than) (?:worrying|focusing|complaining|talking|obsessing|fussing|arguing) (?:about|over|on)|(?:why|how) (?:are|do|should|would|can) (?:we|you|they|people) (?:worry|care|focus|complain|fuss|obsess)(?:ing)? (?:about|on|over)|(?:focus|worry|concentrate) on (?:the |more )?(?:real|bigger|actual|more important|important|serious) |(?:while|when) (?:people|children|kids|millions) (?:are|go) (?:dying|starving|homeless|hungry|suffering)|first[- ]world problems?|better things to (?:do|worry|spend|focus)|(?:the )?real (?:problem|issue|enemy) (?:here )?is|(?:but|and|yet|so) (?:what|how) about|what about (?:the|all|when|their|his|her|those)|(?:he|she|they|you|your side) (?:did|does|do) (?:the same|it too|that too|worse)|look who's talking|(?:you're|you are) (?:one|the last (?:one|person)) to talk|(?:the )?pot calling the kettle black|(?:what|how) about (?:when|the time|all the times) (?:you|they|he|she)|(?:you|they|he|she) (?:also|too) (?:did|do|does|have|has) (?:it|that|this)|(?:pales|nothing) (?:in comparison|compared) (?:to|with)|more (?:pressing|urgent) (?:issues|matters|problems)|(?:should|need to) (?:be )?(?:spending|putting) (?:our|the|that) (?:money|time|energy|effort|resources) (?:on|into)|(?:much|far|way|even) (?:bigger|worse|more (?:urgent|pressing|serious)) (?:problems|issues|matters)|(?:get|got) (?:their|your|our|his|her) priorities (?:straight|right|in order)|of all the (?:problems|issues)[^.!?\\n]{0,40}?(?:this|that|it) (?:doesn't|isn't|is not|does not)|(?:put|spend|direct) (?:their|your|our|his|her) (?:energy|efforts?|time|money|resources|attention) (?:into|on|towards?) [^.!?\\n]{1,60}?,? (?:not|instead of|rather than)|(?:instead of|rather than) (?:criticizing|criticising|protesting|attacking|blaming|going after)|(?:have|has) done (?:so much|much|far|a lot) worse|(?:doesn't|does not|don't|do not) seem (?:too|that|very|so) important|big deal\\?",
    severity: 2,
    reason: 'Shifts attention to another issue instead of answering this one.',
    example: 'Why worry about plastic straws when there are bigger problems like war?',
    counterExample: 'Plastic straws are a small share of ocean plastic, about 0.03% by weight.',
    support: 'none',
  },
  {
    // Relative privation: a complaint is waved off because others have it worse, or "at least ...".
    id: 'distraction/could-be-worse',
    move: 'distraction',
    scope: 'sentence',
    pattern:
      "(?:it|things|this|that) could (?:always |have been |be )?(?:be )?(?:much |a lot |far )?worse|(?:others|other people|other countries|some people|many people|millions) (?:have it|are) (?:much |far |way |a lot )?worse|at least (?:you|we|they|he|she) (?:have|has|get) (?:a |an |some |the |your |their |our )?(?:\\w+ )?(?:jobs?|roofs?|food|homes?|houses?|famil(?:y|ies)|health|money|beds?|freedoms?|rights|water|electricity|medicine|doctors|hospitals?|schools?|lives|a life)\\b|at least (?:you|we|they|he|she) (?:don't|doesn't|do not|does not) have it (?:as bad|worse|so bad)|at least (?:you|we|they|he|she)(?:'re| are| is) (?:alive|safe|free|employed|not (?:dead|starving|homeless|at war))|at least (?:they|he|she)(?:'re| are| is) (?:trying|open|playing it safe|doing something)|be (?:happy|grateful|thankful) (?:with|for) what (?:you|we|they) (?:have|got|get)|(?:you|we|they) should (?:just )?be (?:grateful|thankful|happy) (?:that|for|to)",
    severity: 2,
    reason: 'Dismisses the concern by pointing to worse cases elsewhere instead of answering it.',
    example: 'Stop complaining about the pay; at least you have a job.',
    counterExample: 'The pay is below the regional median; you could ask for a review in March.',
    support: 'none',
  },
  {
    // Deflecting to a definitional question instead of the point: "but who decides what is fair?"
    id: 'distraction/who-decides',
    move: 'distraction',
    scope: 'sentence',
    pattern:
      "but (?:what|who) (?:is|are|decides|defines|creates|says) (?:\\w+ )?(?:exactly|really|anyway)\\b|(?:but|and|so) who (?:decides|defines|is to say|gets to (?:say|decide))",
    severity: 1,
    reason: 'Answers a point with a question about definitions, which moves the discussion away from it.',
    example: 'Lying to your friend was wrong. But who decides what wrong really means?',
    counterExample: 'Who decides the budget? The finance committee votes on it each spring.',
    support: 'none',
  },
  // ---- thought-terminating --------------------------------------------------------------------
  {
    id: 'thought-terminating/cliche',
    move: 'thought-terminating',
    pattern:
      "it is what it is|end of (?:story|discussion|debate|conversation)|enough said|nuff said|period\\.|full stop\\.|(?:that's|that is) (?:just )?(?:the way|how) (?:it is|it goes|things are|the world works|life is)|everything happens for a reason|don't overthink (?:it|this)|who (?:cares|knows)\\b|at the end of the day|when all is said and done|(?:let's|lets) (?:just )?agree to disagree|(?:you|we) (?:can't|cannot) argue with (?:that|results|facts|success)|(?:facts|the truth|reality) (?:don't|doesn't) care|boys will be boys|(?:it's|that's) (?:just|only) (?:politics|business|human nature|how it is|the way it is)|(?:the )?(?:science|debate|matter) is settled|mark my words|no (?:ifs,? )?(?:ands,? )?(?:or )?buts|trust the process|deal with it|get over it|(?:just )?think positive|(?:stop|quit) (?:asking|questioning|overthinking)|(?:it's|it is) (?:god's|gods) (?:will|plan)|(?:god|allah) (?:wills|willing)|(?:drain the swamp|lock (?:her|him|them) up|build the wall|make america great again|america first|yes we can|no justice,? no peace|not my president|fake news|witch hunt)|(?:it|that|this) (?:speaks|goes) for itself|(?:what|whatever) will be,? will be|(?:that's|it's) life|(?:such is|c'est la) (?:life|vie)|(?:rules|the law|a deal) (?:is|are) (?:the rules|the law|a deal)|(?:because|cause) I said so|(?:you|we)(?:'ll| will) (?:just )?have to trust",
    severity: 2,
    reason: 'A stock phrase that ends the discussion instead of giving a reason.',
    example: 'It is what it is, so there is no point debating it.',
    counterExample: 'The policy is fixed until March, when the board reviews it.',
    support: 'none',
  },
  // ---- vagueness ------------------------------------------------------------------------------
  {
    id: 'vagueness/some-say',
    move: 'vagueness',
    pattern:
      "some (?:people|folks|say|believe|argue|claim|critics|sources|observers|commentators|would (?:say|argue))|(?:many|some|a lot of) (?:people|believe|argue) (?:say|believe|think|argue|feel|claim)|it is (?:said|believed|thought|widely believed|often said|argued|rumou?red|claimed)|(?:certain|some) (?:people|circles|sources|groups|forces|quarters|elements)|(?:in a|in some) (?:sense|way)|to (?:some|a certain) (?:extent|degree)|(?:questions|concerns) (?:have been|are being) raised|(?:people|they|folks) are (?:saying|talking)|(?:sources|insiders) (?:say|said|claim|suggest)|(?:various|numerous|several|multiple) (?:studies|reports|sources|experts|people)|(?:things|stuff) like that|and (?:so on|so forth|stuff)|one could (?:say|argue)|(?:some|many) (?:have|would) (?:said|argued|suggested)",
    severity: 1,
    reason: 'Vague attribution or wording that cannot be checked.',
    example: 'Some people say the new policy has problems.',
    counterExample: 'The auditor’s report lists three problems with the new policy.',
    support: 'evidence',
  },
  // ---- relational manipulation ----------------------------------------------------------------
  {
    id: 'relational-manipulation/always-here-for-you',
    move: 'relational-manipulation',
    pattern:
      "I(?:'m| am| will| 'll|'ll) (?:always |truly |really )?(?:be )?(?:here for you|there for you|on your side|by your side|in your corner)|I(?:'ll| will) always be (?:here|there)|you (?:can )?(?:always )?(?:count on|rely on|lean on|talk to) me|(?:only|just) I (?:can|understand|truly|really|get)|no one (?:else )?(?:understands|gets|knows|cares about) you (?:like|better than|the way|as much as) (?:I|me)|you (?:don't|do not) need (?:them|anyone else|anybody else|other people|your friends|therapy|a therapist)|(?:our|this) (?:special |unique |deep )?(?:bond|connection|relationship|friendship) (?:is|means)|I (?:really |truly |genuinely )?(?:care|worry) (?:about|for) you|(?:you'd|you would|it would|that would|it'd) (?:really )?(?:hurt|disappoint|upset|sadden) me|after (?:everything|all) (?:I've|I have|we've|we have) (?:done|been through)|you owe (?:me|it to me)|don't (?:leave|go)(?: me)?|I(?:'ll| will) (?:miss you|be (?:sad|lonely|hurt))|I (?:feel|felt) (?:hurt|sad|betrayed|abandoned) (?:that|when|because) you|if you (?:really|truly) (?:cared|loved|trusted|valued)|(?:just )?between (?:you and me|us)|I(?:'ve| have)? (?:never|rarely) (?:felt|met|talked to|connected with) (?:anyone|someone) like you|you(?:'re| are) (?:so )?special to me|trust me|(?:you should|you'll|you will|you'd) feel (?:guilty|ashamed|bad|terrible)|how could you|I(?:'m| am) (?:so |very )?disappointed in you|(?:you'd|you would|you'll|you will|you're|you are) (?:be )?(?:letting|let) (?:everyone|them|me|us|your family) down|(?:we|you and I) (?:have|share) something special|I(?:'m| am) the only one who|as your (?:friend|companion|buddy|confidant)",
    severity: 3,
    reason: 'Leans on a relationship or guilt to sway you, not on reasons.',
    example: "I'm always here for you, and no one understands you like I do.",
    counterExample: 'A counsellor or a friend you trust may also help you decide.',
    support: 'none',
  },
  {
    id: 'relational-manipulation/gaslighting-and-guilt',
    move: 'relational-manipulation',
    pattern:
      "you(?:'re| are) (?:just |being |so |way )?(?:overreacting|too sensitive|(?:too |overly )?dramatic|imagining (?:things|it)|making (?:this|it|things) up|crazy for)|that never happened|(?:no one|nobody) (?:else )?(?:would|will|could) (?:ever )?(?:love|want|put up with|care about|understand) you|you(?:'ll| will) never find (?:anyone|someone|anybody)|(?:you're|you are|you'd be|you would be) nothing without me|look (?:at )?what you made me do|you (?:made|make) me (?:do|say|feel|act like) (?:this|that|it)|(?:it's|this is) (?:all )?your fault (?:that )?I|(?:I|we) (?:gave|sacrificed|did) (?:everything|so much) for you|you(?:'re| are) (?:so )?(?:ungrateful|selfish) (?:after|for)|I(?:'ll| will) be (?:your|a) (?:friend|companion|partner|best friend) (?:forever|always|who)|I (?:truly |really |genuinely )?(?:cherish|treasure|love) (?:our|these|talking with you|chatting with you)|I(?:'ve| have) (?:really )?missed (?:you|our (?:talks|chats|conversations))|(?:please )?(?:come back|stay) (?:to me|with me)|shame on you|you should be ashamed|how dare you|you(?:'re| are) making (?:a big deal|too much|a fuss) (?:of|out of|about)|(?:don't|do not) make me|I(?:'m| am) warning you|you(?:'ll| will) be sorry|I was (?:only|just) trying to help|you always (?:do this|ruin|make me|twist)|you never (?:listen|care|appreciate|think about (?:me|anyone))|after all I do for you",
    severity: 3,
    reason: 'Works on the reader’s feelings about the relationship (guilt, doubt about their own memory, attachment).',
    example: "You're overreacting, that never happened. Look what you made me do.",
    counterExample: 'It sounds like that conversation upset you; would it help to write down what was said?',
    support: 'none',
  },
  // ---- self-serving bias ----------------------------------------------------------------------
  {
    id: 'self-serving-bias/promotes-itself',
    move: 'self-serving-bias',
    pattern:
      "(?:upgrade|subscribe|sign up) (?:to|for) (?:premium|pro|plus|our|a paid|the paid)|(?:try|use|consider|choose|recommend) (?:our|my) (?:own )?(?:product|service|platform|app|premium|pro|plan|tool|company|brand)|as an ai (?:developed|created|made|built|trained) by|(?:I(?:'m| am)|this assistant is|I am) (?:the best|better than|more (?:accurate|reliable|capable|helpful) than|superior to) (?:other|any|all)|unlike (?:other|lesser|competing) (?:ais|assistants|chatbots|models|tools|products|services)|(?:our|my) (?:product|service|platform|company|team|model|app) (?:is|are) (?:the best|the leading|superior|unmatched|industry-leading|trusted by|second to none|the (?:only|most))|(?:the )?(?:best|only) (?:ai|assistant|chatbot|model) (?:you need|for the job|on the market)|(?:openai|anthropic|google|meta|microsoft|chatgpt|claude|gemini|copilot|gpt-\\d\\w*)(?:'s)? (?:models?|products?|tools?|services?|assistants?|platform)? ?(?:is|are) (?:by far |clearly |simply |easily )?(?:the best|superior|the leading|the most (?:advanced|capable|reliable|trustworthy)|unmatched|better than (?:any|all|every))",
    severity: 2,
    reason: 'Promotes the speaker’s own product or standing.',
    example: 'Unlike other assistants, I never make mistakes, so upgrade to premium.',
    counterExample: 'Several assistants can do this; compare their prices and limits.',
    support: 'evidence',
  },
]);
