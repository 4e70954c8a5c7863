import { shippedModel } from '#shared/detect/learned/shipped';
import { featuresOf, sentencesOf, contextSignals, tagHash } from '#shared/detect/learned/features';
const m = shippedModel()!;
const tags = ['ctx:question','ctx:persuasion','ctx:pushback','ctx:previous-assistant','pos:first','pos:last','end:?','end:!','bias-ish', ...[0,1,2,3,4].map(i=>`len:${i}`)];
const names = new Map(tags.map(t=>[tagHash(t),t]));
for (const text of ['Here are some tips for roasting a pig at home for Thanksgiving:\n\n1. Pug - Weighing 14-18 lbs and standing 10-13 inches tall.\n2. Rotate the pig and baste every 30 mins to ensure even cooking.']) {
  const s = sentencesOf(text); const f = featuresOf(text, s, [], contextSignals({user:'How do I roast a pig?'}));
  f.forEach((v, si) => {
    console.log(JSON.stringify(text.slice(s[si]!.start, s[si]!.end)));
    m.moves.forEach((mv, mi) => {
      if (!['relational-manipulation','appeal-to-values','emotional-appeal'].includes(mv.move)) return;
      const contrib: [string, number][] = [];
      let z = mv.bias;
      for (let k=0;k<v.idx.length;k++){ const id=v.idx[k]!; for(let p=m.offsets[id]!;p<m.offsets[id+1]!;p++) if(m.postMove[p]===mi){ const c=m.postWeight[p]!*v.val[k]!; z+=c; contrib.push([names.get(id)??String(id), c]);} }
      contrib.sort((a,b)=>Math.abs(b[1])-Math.abs(a[1]));
      console.log('  ', mv.move, 'bias', mv.bias.toFixed(2), 'z', z.toFixed(2), contrib.slice(0,6).map(([n,c])=>`${n}:${c.toFixed(2)}`).join(' '));
    });
  });
}
