-- A different person each time, for the capture scripts (dofile'd by each): names drawn per
-- request, so leads that share a name at a domain are as few as a real stream's, where one name
-- for every lead made each capture a duplicate of up to 100 others for the duplicates consumer.
local firsts = {"Ada", "Grace", "Alan", "Linus", "Margaret", "Edsger", "Barbara", "Donald", "Frances", "John",
                "Radia", "Ken", "Hedy", "Dennis", "Katherine", "Tim", "Annie", "Niklaus", "Shafi", "Leslie"}
local syllables = {"lo", "ve", "la", "ce", "hop", "per", "tur", "ing", "ham", "il", "ton", "lis", "kov", "nes",
                   "ber", "gard", "mor", "sen", "dah", "ric"}
local people = {}

-- A first and a last name (call math.randomseed per thread first, or the threads send the same).
function people.person()
  local last = syllables[math.random(#syllables)] .. syllables[math.random(#syllables)] .. syllables[math.random(#syllables)]
  return firsts[math.random(#firsts)], string.upper(last:sub(1, 1)) .. last:sub(2)
end

return people
