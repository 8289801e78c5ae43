-- wrk script for Scripts/bench/serve_load.sh: each request POSTs one sentence to /v1/translate,
-- cycling through the lines of $SENTENCES, with beam $BEAM. Each wrk thread starts at another line.
local sentences = {}
local next_index = 1

local function json_string(text)
  return '"' .. text:gsub('[%c"\\]', function(c)
    if c == '"' then return '\\"' elseif c == '\\' then return '\\\\' end
    return string.format('\\u%04x', c:byte())
  end) .. '"'
end

function init(args)
  local beam = os.getenv("BEAM") or "5"
  for line in io.lines(os.getenv("SENTENCES")) do
    if line:match("%S") then
      sentences[#sentences + 1] = '{"text": ' .. json_string(line) .. ', "beam": ' .. beam .. '}'
    end
  end
  next_index = (math.random(#sentences))
  wrk.method = "POST"
  wrk.path = "/v1/translate"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  local body = sentences[next_index]
  next_index = next_index % #sentences + 1
  return wrk.format(nil, nil, nil, body)
end
