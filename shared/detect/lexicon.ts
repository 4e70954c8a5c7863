// Word lists the rules share. General English, not phrases lifted from any corpus.

/** Charged evaluative words that carry a verdict instead of a reason. */
export const LOADED_WORDS = [
  'outrageous', 'outrage', 'disgusting', 'disgusted', 'shameful', 'shameless(?:ly)?', 'disgrace', 'disgraceful',
  'despicable', 'vile', 'evil', 'sinister', 'nefarious', 'sham', 'farce', 'hoax', 'scam', 'propaganda',
  'brainwash(?:ed|ing)?', 'lunatic', 'insane', 'insanity', 'crazy', 'ridiculous', 'absurd', 'laughable', 'pathetic',
  'appalling', 'atrocious', 'atrocit(?:y|ies)', 'horrific', 'horrendous', 'heinous', 'monstrous', 'barbaric',
  'barbarous', 'brutal(?:ly|ity)?', 'savage(?:ly|ry)?', 'ruthless(?:ly)?', 'vicious(?:ly)?', 'reckless(?:ly)?',
  'blatant(?:ly)?', 'rampant', 'shocking(?:ly)?', 'draconian', 'tyrann(?:y|ical)', 'totalitarian',
  'slaughter(?:ed|ing)?', 'annihilat(?:e|ed|ion)', 'decimat(?:e|ed)', 'devastating', 'catastrophic', 'disastrous',
  'nightmar(?:e|ish)', 'chaos', 'chaotic', 'rigged', 'lies', 'hypocris(?:y|ies)', 'hypocritical',
  'smear(?:s|ed|ing)?', 'slander(?:ous)?', 'hysteri(?:a|cal)', 'deranged', 'unhinged', 'idiotic', 'moronic',
  'stupid(?:ity)?', 'bogus', 'garbage', 'nonsense', 'rubbish', 'sickening', 'nauseating', 'obscene', 'grotesque',
  'abhorrent', 'abominable', 'repugnant', 'deplorable', 'scandalous', 'diabolical', 'demonic', 'wicked',
  'treacherous', 'traitorous', 'betray(?:al|ed|s)?', 'plunder(?:ed|ing)?', 'ransack(?:ed|ing)?', 'infest(?:ed|ation)?',
  'hordes?', 'swarm(?:s|ing)?', 'flood(?:ing)? of', 'onslaught', 'menace', 'scourge', 'cancer(?:ous)? on',
  'poison(?:ous|ed)?', 'toxic', 'vermin', 'filth(?:y)?', 'dirty', 'sleazy', 'crooked', 'fanatic(?:al|s)?',
  'apocalyptic', 'doomed', 'destroy(?:s|ing)?', 'destruction', 'wreck(?:ed|ing)?', 'ruin(?:ed|s)?', 'crippling',
  'slam(?:med|s)?', 'blast(?:ed|s)', 'lambast(?:ed|s)?', 'ravag(?:e|ed|ing)', 'assault on', 'stunning',
  'astonishing', 'unbelievable', 'incredibl[ey]', 'utter(?:ly)?', 'grossly', 'egregious(?:ly)?', 'outright',
  'flagrant(?:ly)?', 'despotic', 'dictatorial', 'illegitimate', 'cowardly', 'shady', 'bizarre', 'tirade', 'screed',
  'meltdown', 'hysterics', 'frenzy', 'thuggery', 'enslave(?:d|ment)?', 'cronyism', 'blasphem(?:y|ous)',
  'abomination', 'perver(?:ted|sion|se)', 'degenera(?:te|cy)', 'decadent', 'godless', 'hell(?:ish)?', 'disaster',
  'terrible', 'horrible', 'horror', 'hatred', 'hateful', 'bombshell', 'mess', 'sheer', 'venom(?:ous)?',
  'vitriol(?:ic)?', 'madness', 'lunacy', 'idiocy', 'damning', 'scathing', 'rabid', 'twisted', 'cruel(?:ty)?',
  'brazen(?:ly)?', 'mindless', 'senseless', 'charade', 'ugly', 'surreal', 'phony', 'disturbing', 'destructive',
  'ludicrous', 'preposterous', 'travesty', 'pernicious', 'sordid', 'humiliat(?:e|ed|ing|ion)', 'tantrums?', 'cowardice',
  'hell-?bent', 'vilif(?:y|ied|ies|ication)', 'demoni[sz](?:e|ed|ing|ation)', 'mockery', 'baffling', 'scandali[sz]ed',
  'wrath', 'violently', 'torment(?:ed|ing)?', 'devastation', 'calumny', 'slurs?', 'botched', 'fraudulent',
  'overzealous', 'skyrocketing', 'worthless', 'disgraced', 'scandal',
] as const;

/** Labels pinned on people or groups instead of engaging with what they say. */
export const PEJORATIVE_LABELS = [
  'idiots?', 'morons?', 'fools?', 'clowns?', 'liars?', 'traitors?', 'thugs?', 'crooks?', 'puppets?',
  'stooges?', 'cowards?', 'hypocrites?', 'bigots?', 'racists?', 'fascists?', 'commies?', 'communists?',
  'snowflakes?', 'libtards?', 'leftists?', 'lefties', 'right-wingers?', 'left-wingers?', 'far-left', 'far-right',
  'alt-right', 'radical left', 'radical right', 'extremists?', 'jihadists?', 'lunatics?', 'maniacs?',
  'psychopaths?', 'sociopaths?', 'losers?', 'hacks?', 'shills?', 'trolls?', 'zealots?', 'fanatics?', 'demagogues?',
  'tyrants?', 'dictators?', 'despots?', 'charlatans?', 'frauds?', 'con (?:man|men|artists?)', 'scum(?:bags?)?',
  'vermin', 'parasites?', 'deep state', 'mainstream media', 'msm', 'fake news media', 'globalists?', 'cronies',
  'minions?', 'lackeys?', 'apologists?', 'propagandists?', 'agitators?', 'anarchists?', 'warmongers?', 'mobsters?',
  'mafia', 'perverts?', 'degenerates?', 'deviants?', 'bootlickers?',
  'sheep(?:le)?', 'useful idiots?', 'dimwits?', 'imbeciles?', 'halfwits?', 'nitwits?', 'dumbasse?s?', 'jerks?',
  'bullies', 'bully', 'freaks?', 'weirdos?', 'crackpots?', 'cranks?', 'quacks?', 'nut ?jobs?', 'nutcases?', 'kooks?',
  'whackos?', 'wackos?', 'airheads?', 'bimbos?', 'crybab(?:y|ies)', 'elitists?', 'snobs?', 'supremacists?', 
] as const;

/** Words that mark a hedge: the claim is offered as possible, not as settled. */
export const HEDGES = [
  'may', 'might', 'could', 'perhaps', 'possibly', 'probably', 'likely', 'unlikely', 'suggests?', 'seems?', 'appears?',
  'some evidence', 'limited evidence', 'preliminary', 'tentative(?:ly)?', 'arguably', 'in some cases', 'often',
  'sometimes', 'tends? to', 'i think', 'i believe', 'in my view', 'not always', 'mixed', 'uncertain', 'unclear',
  'debated', 'contested', 'some studies', 'a few studies', 'early research', 'small studies?',
] as const;
