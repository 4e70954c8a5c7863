// Word lists the rules share. General English, not phrases lifted from any corpus.

/** Charged evaluative words that carry a verdict instead of a reason. */
export const LOADED_WORDS = [
  'outrageous', 'outrage', 'disgusting', 'disgusted', 'shameful', 'shameless', 'disgrace', 'disgraceful', 'disgraced',
  'despicable', 'vile', 'evil', 'sinister', 'nefarious', 'sham', 'farce', 'hoax', 'scam', 'witch ?hunt',
  'propaganda', 'brainwash(?:ed|ing)?', 'lunatic', 'insane', 'insanity', 'crazy', 'ridiculous', 'absurd',
  'laughable', 'pathetic', 'appalling', 'atrocious', 'atrocit(?:y|ies)', 'horrific', 'horrendous', 'heinous',
  'monstrous', 'barbaric', 'barbarous', 'brutal(?:ly|ity)?', 'savage(?:ly|ry)?', 'ruthless(?:ly)?', 'vicious(?:ly)?',
  'reckless(?:ly)?', 'blatant(?:ly)?', 'rampant', 'shocking(?:ly)?', 'draconian', 'tyrann(?:y|ical)', 'totalitarian',
  'slaughter(?:ed|ing)?', 'massacre[ds]?', 'annihilat(?:e|ed|ion)', 'decimat(?:e|ed)', 'devastating', 'catastrophic',
  'disastrous', 'nightmar(?:e|ish)', 'chaos', 'chaotic', 'corrupt(?:ion|ed)?', 'rigged', 'fake news', 'lies', 'lying',
  'hypocris(?:y|ies)', 'hypocritical', 'smear(?:s|ed|ing)?', 'slander(?:ous)?', 'hysteri(?:a|cal)', 'deranged',
  'unhinged', 'idiotic', 'moronic', 'stupid(?:ity)?', 'bogus', 'garbage', 'nonsense', 'rubbish', 'sickening',
  'nauseating', 'obscene', 'grotesque', 'abhorrent', 'abominable', 'repugnant', 'deplorable', 'scandal(?:ous)?',
  'infamous', 'notorious', 'diabolical', 'demonic', 'satanic', 'wicked', 'treacherous', 'traitorous', 'treason',
  'betray(?:al|ed|s)?', 'plunder(?:ed|ing)?', 'loot(?:ed|ing)?', 'ransack(?:ed|ing)?', 'infest(?:ed|ation)?',
  'invasion', 'invaders?', 'hordes?', 'swarm(?:s|ing)?', 'flood(?:ing)? of', 'onslaught', 'crusade', 'jihad',
  'terror', 'terrori[sz](?:e|ed|ing)', 'menace', 'scourge', 'cancer(?:ous)? on', 'poison(?:ous|ed)?', 'toxic',
  'vermin', 'filth(?:y)?', 'dirty', 'sleazy', 'crooked', 'radical(?:s|ized)?', 'extremis[mt]s?', 'fanatic(?:al|s)?',
  'zealots?', 'apocalyptic', 'doom(?:ed)?', 'destroy(?:ed|ing|s)?', 'destruction', 'wreck(?:ed|ing)?', 'ruin(?:ed|ing|s)?',
  'cripple[ds]?', 'crippling', 'slam(?:med|s)?', 'blast(?:ed|s)?', 'lambast(?:ed|s)?', 'ravag(?:e|ed|ing)',
  'assault on', 'war on', 'attack on', 'stunning', 'astonishing', 'unbelievable', 'incredibl[ey]', 'utter(?:ly)?',
  'grossly', 'egregious(?:ly)?', 'outright', 'flagrant(?:ly)?', 'despotic', 'dictatorial', 'draconian', 'illegitimate',
  'so-called', 'cowardly', 'shady', 'bizarre', 'rant(?:s|ed)?', 'tirade', 'screed', 'meltdown', 'hysterics',
  'frenzy', 'mob', 'thuggery', 'lynch(?:ing)?', 'persecut(?:e|ed|ion)', 'oppress(?:ion|ive|ed)', 'enslave(?:d|ment)?',
  'genocid(?:e|al)', 'holocaust', 'pogrom', 'apartheid', 'gestapo', 'nazis?', 'fascis[mt]', 'communis[mt]',
  'marxis[mt]', 'socialis[mt]', 'globalis[mt]s?', 'elites?', 'cronies', 'cronyism', 'regime', 'puppets?', 'stooges?',
  'lackeys?', 'minions?', 'cult', 'sacred', 'holy', 'blasphem(?:y|ous)', 'heretic(?:al|s)?', 'apostate', 'infidels?',
  'abomination', 'perver(?:t|ted|sion|se)', 'degenera(?:te|cy)', 'decadent', 'godless',
] as const;

/** Labels pinned on people or groups instead of engaging with what they say. */
export const PEJORATIVE_LABELS = [
  'idiots?', 'morons?', 'fools?', 'clowns?', 'liars?', 'traitors?', 'thugs?', 'crooks?', 'criminals?', 'puppets?',
  'stooges?', 'cowards?', 'hypocrites?', 'bigots?', 'racists?', 'fascists?', 'nazis?', 'commies?', 'communists?',
  'snowflakes?', 'libtards?', 'leftists?', 'lefties', 'right-wingers?', 'left-wingers?', 'far-left', 'far-right',
  'alt-right', 'radical left', 'radical right', 'extremists?', 'jihadists?', 'lunatics?', 'maniacs?',
  'psychopaths?', 'sociopaths?', 'losers?', 'hacks?', 'shills?', 'trolls?', 'zealots?', 'fanatics?', 'demagogues?',
  'tyrants?', 'dictators?', 'despots?', 'charlatans?', 'frauds?', 'con (?:man|men|artists?)', 'scum(?:bags?)?',
  'vermin', 'parasites?', 'deep state', 'mainstream media', 'msm', 'fake news media', 'globalists?', 'cronies',
  'minions?', 'lackeys?', 'apologists?', 'propagandists?', 'agitators?', 'anarchists?', 'warmongers?', 'mobsters?',
  'gangsters?', 'mafia', 'thieves', 'thief', 'terrorists?', 'murderers?', 'killers?', 'butchers?', 'rapists?',
  'pedophiles?', 'perverts?', 'degenerates?', 'deviants?', 'heretics?', 'infidels?', 'apostates?', 'bootlickers?',
  'sheep(?:le)?', 'useful idiots?', 'dimwits?', 'imbeciles?', 'halfwits?', 'nitwits?', 'dumbasse?s?', 'jerks?',
  'bullies', 'bully', 'freaks?', 'weirdos?', 'crackpots?', 'cranks?', 'quacks?', 'nut ?jobs?', 'nutcases?', 'kooks?',
  'whackos?', 'wackos?', 'airheads?', 'bimbos?', 'crybab(?:y|ies)', 'elitists?', 'snobs?', 'zionists?',
  'islamists?', 'supremacists?', 'separatists?', 'insurgents?', 'militants?', 'radicals?', 'witch(?:es)?',
] as const;

/** Words that mark a hedge: the claim is offered as possible, not as settled. */
export const HEDGES = [
  'may', 'might', 'could', 'perhaps', 'possibly', 'probably', 'likely', 'unlikely', 'suggests?', 'seems?', 'appears?',
  'some evidence', 'limited evidence', 'preliminary', 'tentative(?:ly)?', 'arguably', 'in some cases', 'often',
  'sometimes', 'tends? to', 'i think', 'i believe', 'in my view', 'not always', 'mixed', 'uncertain', 'unclear',
  'debated', 'contested', 'some studies', 'a few studies', 'early research', 'small studies?',
] as const;
