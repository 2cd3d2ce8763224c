/**
 * `kehoach validate` and every diagnostic about a plan file (the CLI, `apply` and the API print
 * the same ones). Keys, values in `{{ }}` and plan syntax (`deadline:`, "3 working days") stay as
 * the plan file writes them; the sentences around them are translated.
 */
export const validate = {
  cli: {
    usage: `Cách dùng: kehoach validate [đường dẫn…] [--json]

Kiểm tra các tệp kế hoạch (một thư mục là mọi tệp *.yaml và *.yml trong đó; mặc định: plans/;
"-" đọc một kế hoạch từ đầu vào chuẩn) và in từng vấn đề theo dạng
tệp:dòng:cột: error|warning: nội dung (error là lỗi, warning là cảnh báo).

Tùy chọn:
  --json      in các kết quả kiểm tra dưới dạng mảng JSON
  -h, --help  hiện hướng dẫn này

Mã thoát: 0 mọi tệp hợp lệ (được phép có cảnh báo), 1 có tệp không hợp lệ, 2 dùng lệnh sai cách.`,
    pathNotFound: 'không tìm thấy đường dẫn: {{paths}}',
    noPlanFiles: 'không có tệp kế hoạch nào (*.yaml, *.yml) trong {{paths}}',
    files_other: '{{count}} tệp',
    errors_other: '{{count}} lỗi',
    warnings_other: '{{count}} cảnh báo',
    allValid: 'tất cả hợp lệ',
    invalid: '{{invalid}} tệp không hợp lệ',
    summary: 'Đã kiểm tra {{files}}: {{verdict}}; {{errors}}, {{warnings}}',
  },
  place: {
    plan: 'kế hoạch',
    task: "nhiệm vụ '{{id}}'",
    taskNumber: 'nhiệm vụ thứ {{number}}',
    agency: "cơ quan '{{id}}'",
    agencyNumber: 'cơ quan thứ {{number}}',
    source: 'văn bản căn cứ thứ {{number}}',
    ladderLevel: 'cấp đôn đốc thứ {{number}} của {{owner}}',
    contact: 'đầu mối liên hệ thứ {{number}} của {{owner}}',
    reminder: 'lần nhắc hạn thứ {{number}} của {{owner}}',
    item: "mục thứ {{number}} của '{{key}}' trong {{owner}}",
    planEscalation: 'quy trình đôn đốc chung của kế hoạch',
    planKey: "'{{key}}' của kế hoạch",
    role: "vai trò '{{name}}'",
    escalation: 'quy trình đôn đốc của {{owner}}',
    key: "'{{key}}' của {{owner}}",
    field: "'{{key}}' trong {{owner}}",
  },
  hint: {
    id: 'id: <mã ASCII>',
    code: 'code: "771/KH-UBND"',
    title: 'title: <tên bằng tiếng Việt>',
    issuer: 'issuer: UBND tỉnh …',
    issuedOn: 'issuedOn: 2022-11-07',
    calendar: 'calendar: vn',
    agencies: 'agencies: (danh sách các cơ quan)',
    roles: 'roles: { standing_office: { agency: … }, chair: { agency: … } }',
    tasks: 'tasks: (danh sách các nhiệm vụ)',
    name: 'name: <tên đầy đủ>',
    kind: 'kind: department',
    lead: 'lead: <mã cơ quan chủ trì>',
    output: 'output: <sản phẩm dự kiến>',
    standing_office: 'standing_office: { agency: <mã cơ quan thường trực> }',
    chair: 'chair: { agency: <mã cơ quan của Tổ trưởng> }',
    after: 'after: "3 working days"',
    to: 'to: standing_office',
    action: 'action: Đôn đốc',
    within: 'within: "10 working days"',
    every: 'every: month',
    from: 'from: 2023-01-01',
    until: 'until: 2023-12-31',
    metric: 'metric: <nội dung đo lường>',
    unit: 'unit: <đơn vị tính>',
    value: 'value: 100',
    role: 'role: staff',
    channel: 'channel: email',
    address: 'address: <địa chỉ e-mail hoặc URL>',
  },
  yaml: {
    syntax: 'Cú pháp YAML: {{detail}}',
    badIndent: 'Cú pháp YAML: {{detail}}; đề nghị đối chiếu thụt lề của dòng này với các dòng phía trên',
    tab: 'Cú pháp YAML: YAML không cho thụt lề bằng phím Tab; hãy thụt lề bằng dấu cách',
    blockAsImplicitKey:
      'Cú pháp YAML: giá trị này chứa ": " (dấu hai chấm và dấu cách) hoặc bị thụt lề dưới một giá trị khác, nên YAML đọc nó thành một khóa mới; hãy đặt cả giá trị trong dấu ngoặc kép, hoặc sửa lại thụt lề',
    multilineKey: 'Cú pháp YAML: một khóa phải nằm trọn trên một dòng; hãy kiểm tra thụt lề của dòng này và dòng ngay sau',
    unclosedQuote:
      'Cú pháp YAML: dấu ngoặc kép này không được đóng, nên YAML đọc toàn bộ phần còn lại của tệp thành một đoạn văn bản; hãy đóng dấu ngoặc ở cuối giá trị',
    unclosedList: "Cú pháp YAML: danh sách mở bằng '[' trên dòng này chưa được đóng; hãy kết thúc bằng ']' trên cùng dòng",
    unclosedMapping: "Cú pháp YAML: nhóm khóa mở bằng '{' trên dòng này chưa được đóng; hãy kết thúc bằng '}' trên cùng dòng",
    code: {
      ALIAS_PROPS: 'bí danh (*tên) không được kèm neo hoặc thẻ',
      BAD_ALIAS: 'bí danh (*tên) này không trỏ tới neo (&tên) nào được khai báo trước nó',
      BAD_DIRECTIVE: 'chỉ thị % này không phải là chỉ thị YAML hợp lệ',
      BAD_DQ_ESCAPE: 'ký tự thoát bằng dấu gạch chéo ngược trong ngoặc kép này không hợp lệ',
      BAD_INDENT: 'dòng này không được thụt lề thống nhất với các dòng xung quanh',
      BAD_PROP_ORDER: 'neo (&tên) hoặc thẻ phải đứng trước giá trị mà nó đánh dấu',
      BAD_SCALAR_START: 'giá trị không được bắt đầu bằng ký tự này; hãy đặt giá trị trong dấu ngoặc kép',
      BLOCK_AS_IMPLICIT_KEY: 'giá trị viết trên nhiều dòng không thể làm khóa',
      BLOCK_IN_FLOW: 'trong [ ] hoặc { }, mỗi mục phải nằm cùng dòng với khóa của nó và không dùng danh sách "- "',
      DUPLICATE_KEY: 'khóa này xuất hiện hai lần trong cùng một nhóm',
      IMPOSSIBLE: 'không đọc được phần này của tệp',
      KEY_OVER_1024_CHARS: 'một khóa chỉ được dài tối đa 1024 ký tự',
      MISSING_CHAR: 'thiếu một ký tự tại đây (dấu đóng ngoặc, dấu ngoặc kép hoặc dấu hai chấm)',
      MULTILINE_IMPLICIT_KEY: 'một khóa phải nằm trọn trên một dòng',
      MULTIPLE_ANCHORS: 'mỗi giá trị chỉ được có một neo (&tên)',
      MULTIPLE_DOCS: 'mỗi tệp kế hoạch chỉ chứa một văn bản; hãy xóa dòng "---" hoặc "..." mở đầu văn bản thứ hai',
      MULTIPLE_TAGS: 'mỗi giá trị chỉ được có một thẻ',
      NON_STRING_KEY: 'khóa phải là một từ, không phải danh sách hay nhóm khóa',
      RESOURCE_EXHAUSTION: 'phần này của tệp quá lớn hoặc lồng quá sâu để đọc',
      TAB_AS_INDENT: 'YAML không cho thụt lề bằng phím Tab',
      TAG_RESOLVE_FAILED: 'giá trị này không khớp với thẻ của nó',
      UNEXPECTED_TOKEN: 'ký tự này không được phép ở vị trí này',
      BAD_COLLECTION_TYPE: 'thẻ này không dùng được cho danh sách hay nhóm khóa',
      other: 'nội dung này không đúng cú pháp YAML',
    },
  },
  structure: {
    emptyPlan: 'tệp kế hoạch đang trống; hãy bắt đầu bằng `id:`, `code:`, `title:`, … như hướng dẫn tại plans/README.md',
    notMapping: '{{field}} phải là một nhóm các cặp khóa và giá trị, ví dụ:\n  {{example}}',
    invalidKey: 'các khóa trong {{where}} phải là từ, ví dụ {{examples}}',
    duplicateKey: "khóa '{{key}}' xuất hiện hai lần trong {{where}} (lần đầu ở dòng {{line}}); hãy giữ lại một",
    noValueHint: '{{field}} chưa có giá trị; hãy viết `{{hint}}` hoặc xóa khóa này',
    noValue: '{{field}} chưa có giá trị; hãy viết giá trị sau dấu hai chấm hoặc xóa khóa này',
    missingKey: "thiếu khóa '{{key}}' trong {{where}}",
    missingKeyHint: "thiếu khóa '{{key}}' trong {{where}}; hãy bổ sung `{{hint}}`",
    unknownKeySuggestion: "khóa '{{key}}' trong {{where}} không có trong mẫu kế hoạch; có phải là '{{suggestion}}'?",
    unknownKey: "khóa '{{key}}' trong {{where}} không có trong mẫu kế hoạch; các khóa được dùng là {{allowed}}",
    notList: '{{field}} phải là một danh sách: mỗi mục một dòng, bắt đầu bằng "- ", hoặc viết [a, b]',
    notListExample:
      '{{field}} phải là một danh sách: mỗi mục một dòng, bắt đầu bằng "- ", hoặc viết [a, b] (ví dụ {{key}}: [so-tu-phap, cong-an-tinh])',
    tooFewItems: '{{field}} phải có ít nhất {{minimum}} mục; hãy bổ sung',
    deadlineShape:
      '{{field}} phải là một ngày (2022-12-25), một thời điểm (2022-12-25T17:00), "none" cho nhiệm vụ thường xuyên, hoặc { within: "10 working days", after: issue }',
    targetShape: '{{field}} phải là một trong {{targets}}, hoặc { agency: <mã cơ quan> }, hoặc { role: <tên vai trò> }',
    unitsShape: '{{field}} phải là danh sách mã cơ quan ([huyen-quynh-luu, huyen-hung-nguyen]) hoặc { kind: district_committee }',
    roleShape: '{{field}} phải là { agency: <mã cơ quan> } hoặc { contact: { name: …, channel: email, address: … } }',
    otherShape: '{{field}} phải theo một trong {{forms}} dạng được phép; xem plans/plan.schema.json',
    didYouMean: "{{field}} là '{{value}}'; có phải là '{{suggestion}}'?",
    writeOneOf: "{{field}} là '{{value}}'; hãy viết một trong các giá trị {{allowed}}",
    writeIsoDate: "{{field}} là '{{value}}'; ngày tháng phải viết theo dạng YYYY-MM-DD: {{iso}}",
    impossibleDate: "{{field}} là '{{value}}', không phải ngày có thật ({{reason}}); hãy viết một ngày có thật, dạng YYYY-MM-DD",
    impossibleDateTime: "{{field}} là '{{value}}', không phải ngày có thật ({{reason}}); hãy viết ngày và giờ có thật, dạng YYYY-MM-DDTHH:MM",
    notSingleMapping: '{{field}} phải là một giá trị đơn, không phải nhóm khóa',
    notSingleList: '{{field}} phải là một giá trị đơn, không phải danh sách',
    mustBeText: '{{field}} phải là văn bản, không phải {{value}} (hãy đặt trong dấu ngoặc kép nếu trông giống một số hoặc một ngày)',
    mustBeNumber: '{{field}} phải là một số, không phải {{value}}',
    mustBeBoolean: '{{field}} phải là true hoặc false, không phải {{value}}',
    mustBeType: '{{field}} phải có kiểu {{type}}, không phải {{value}}',
    empty: '{{field}} không được để trống',
    tooSmall: '{{field}} là {{value}}; giá trị tối thiểu là {{minimum}}',
    tooBig: '{{field}} là {{value}}; giá trị tối đa là {{maximum}}',
    badFormat: '{{field}} là {{value}}; giá trị này {{rule}}',
    invalid: '{{field}} là {{value}}: {{reason}}',
    planInvalid: '{{field}}: {{reason}}',
  },
  format: {
    slug: 'phải là mã ASCII: chữ thường không dấu, chữ số, "-" hoặc "_" (ví dụ "so-tu-phap")',
    date: 'phải là ngày có thật, viết theo dạng YYYY-MM-DD (ví dụ 2022-11-07)',
    dateTime: 'phải là thời điểm viết theo dạng YYYY-MM-DDTHH:MM (ví dụ 2022-11-30T17:00)',
    duration: 'phải gồm một số và một đơn vị, ví dụ "3 working days", "30 days", "4 hours" hoặc "15 minutes"',
  },
  date: {
    noMonth: 'không có tháng {{month}}',
    noDayZero: 'không có ngày 0',
    monthDays: '{{month}} năm {{year}} có {{days}} ngày',
    noHour: 'không có giờ {{hour}}; nếu hạn là cuối ngày, chỉ cần viết ngày',
    minutes: 'phút và giây chỉ đến 59',
  },
  month: {
    jan: 'tháng 1',
    feb: 'tháng 2',
    mar: 'tháng 3',
    apr: 'tháng 4',
    may: 'tháng 5',
    jun: 'tháng 6',
    jul: 'tháng 7',
    aug: 'tháng 8',
    sep: 'tháng 9',
    oct: 'tháng 10',
    nov: 'tháng 11',
    dec: 'tháng 12',
  },
  semantics: {
    agencyParent: 'cơ quan cấp trên của {{owner}} là',
    rolePoints: "vai trò '{{name}}' được giao cho",
    lead: 'cơ quan chủ trì của {{owner}} là',
    support: 'các cơ quan phối hợp của {{owner}} có',
    units: 'các đơn vị thực hiện của {{owner}} có',
    unitsUnder: 'các đơn vị thực hiện của {{owner}} trực thuộc',
    unitsWithin: 'các đơn vị thực hiện của {{owner}} nằm trong',
    ladderTo: 'cấp đôn đốc thứ {{number}} của {{owner}} chuyển tới',
    unknownAgencySuggestion: "{{what}} '{{value}}', nhưng kế hoạch này không có cơ quan nào như vậy; có phải là '{{suggestion}}'?",
    unknownAgency:
      "{{what}} '{{value}}', nhưng kế hoạch này không có cơ quan nào như vậy; hãy bổ sung cơ quan đó vào 'agencies' hoặc dùng một mã đã khai báo tại đó",
    emptyUnits:
      "các đơn vị thực hiện của {{owner}} được chọn theo loại '{{kind}}'{{under}}, nhưng kế hoạch không có cơ quan nào như vậy; hãy bổ sung các cơ quan đó vào 'agencies' (kèm `parent: {{parent}}` khi cần) hoặc liệt kê mã các đơn vị",
    emptyUnitsUnder: " trực thuộc '{{id}}'",
    emptyUnitsWithin: " nằm trong '{{id}}'",
    perUnitWithoutUnits:
      "{{owner}} có chỉ tiêu riêng từng đơn vị ('perUnit') nhưng không có 'units'; hãy bổ sung `units:` (các cơ quan cùng thực hiện nhiệm vụ) hoặc ghi một 'value' chung cho nhiệm vụ",
    perUnitTwice: "'{{agency}}' có chỉ tiêu thứ hai trong {{owner}} (chỉ tiêu thứ nhất ở dòng {{line}}); hãy giữ lại một",
    perUnitNotUnitSuggestion: "'{{agency}}' không phải là đơn vị thực hiện của {{owner}}; có phải là '{{suggestion}}'?",
    perUnitNotUnit: "'{{agency}}' không phải là đơn vị thực hiện của {{owner}}; hãy dùng một trong {{units}}",
    targetNoValue:
      "chỉ tiêu của {{owner}} không có 'value'; hãy ghi `value: 100` chung cho mọi đơn vị, hoặc chỉ tiêu riêng của từng đơn vị trong 'perUnit'",
    targetNoValueUnits_other:
      "chỉ tiêu của {{owner}} không có 'value' và {{units}} chưa có chỉ tiêu riêng trong 'perUnit'; hãy ghi `value: 100` chung cho mọi đơn vị, hoặc chỉ tiêu riêng của từng đơn vị trong 'perUnit'",
    andMore: '{{list}} và {{more}} đơn vị khác',
    duplicateAgencyId: "mã cơ quan '{{id}}' bị trùng (mã này đã dùng ở dòng {{line}}); mỗi cơ quan phải có mã riêng",
    duplicateTaskId: "mã nhiệm vụ '{{id}}' bị trùng (mã này đã dùng ở dòng {{line}}); mỗi nhiệm vụ phải có mã riêng",
    unknownTaskSuggestion: "{{owner}} phụ thuộc vào '{{id}}', nhưng kế hoạch này không có nhiệm vụ nào như vậy; có phải là '{{suggestion}}'?",
    unknownTask: "{{owner}} phụ thuộc vào '{{id}}', nhưng kế hoạch này không có nhiệm vụ nào như vậy; hãy dùng mã của một nhiệm vụ trong 'tasks'",
    reminderAtDeadline:
      'lần nhắc hạn thứ {{number}} của {{owner}} là \'{{value}}\', tức là đúng thời hạn; nhắc hạn phải trước thời hạn (cấp đôn đốc đầu tiên xử lý lúc đến hạn), vì vậy hãy xóa lần nhắc này hoặc viết, ví dụ, "1 working day"',
    reminderOrder:
      'lần nhắc hạn thứ {{number}} của {{owner}} (\'{{value}}\' trước thời hạn) không diễn ra sau lần nhắc thứ {{previousNumber}} (\'{{previous}}\'); hãy xếp các lần nhắc từ sớm nhất đến muộn nhất, ví dụ ["3 working days", "1 working day"]',
    ladderOrder:
      "cấp đôn đốc thứ {{number}} của {{owner}} diễn ra '{{value}}' sau thời hạn, không muộn hơn cấp thứ {{previousNumber}} ('{{previous}}'); 'after' của mỗi cấp phải dài hơn cấp trước",
    unknownRoleSuggestion:
      "cấp đôn đốc thứ {{number}} của {{owner}} chuyển tới vai trò '{{role}}', nhưng vai trò này không có trong 'roles'; có phải là '{{suggestion}}'?",
    unknownRole:
      "cấp đôn đốc thứ {{number}} của {{owner}} chuyển tới vai trò '{{role}}', nhưng vai trò này không có trong 'roles'; hãy dùng một trong {{roles}} hoặc bổ sung vào 'roles'",
    calendarBroken: "chưa dùng được lịch làm việc '{{name}}' cho đến khi tệp lịch được sửa: {{reason}}",
    unknownCalendarSuggestion: "không có lịch làm việc '{{name}}' trong calendars/; có phải là '{{suggestion}}'?",
    unknownCalendarList: "không có lịch làm việc '{{name}}' trong calendars/; hãy dùng một trong {{names}}",
    unknownCalendarNone: "không có lịch làm việc '{{name}}' trong calendars/; hãy tạo tệp calendars/<tên>.yaml",
    badTimezone: "múi giờ '{{timezone}}' không phải tên múi giờ IANA; hãy viết Asia/Ho_Chi_Minh (Việt Nam) hoặc bỏ khóa này",
    calendarYearUnannounced:
      "{{what}} rơi vào năm {{year}}, nhưng lịch làm việc '{{calendar}}' chưa ghi thông báo nghỉ lễ của năm {{year}} (lịch đã ghi các năm {{years}}); các ngày lễ theo Bộ luật Lao động vẫn được tính, nhưng ngày nghỉ Tết và ngày nghỉ liền kề 2/9 là giá trị mặc định và chưa biết ngày làm bù, vì vậy hãy bổ sung năm {{year}} vào calendars/{{calendar}}.yaml khi có thông báo nghỉ lễ",
    calendarYearNoData:
      "{{what}} rơi vào năm {{year}}, nhưng lịch làm việc '{{calendar}}' không có dữ liệu ngày nghỉ (lịch chỉ gồm các năm {{years}}); ngày làm việc trong năm {{year}} sẽ chỉ trừ thứ Bảy, Chủ nhật, vì vậy hãy bổ sung năm {{year}} vào calendars/{{calendar}}.yaml khi có thông báo nghỉ lễ",
    deadlineOf: 'thời hạn của {{owner}}',
    deadlineOfDate: 'thời hạn của {{owner}} ({{date}})',
    recurrenceOf: 'lịch định kỳ của {{owner}}',
    timetableEscalation: 'cấp đôn đốc {{level}} của {{owner}} ({{when}})',
    timetableReminder: 'một lần nhắc hạn của {{owner}} ({{when}})',
    timetableDeadline: 'thời hạn của {{owner}} ({{when}})',
    deadlineAndRecurrence:
      "{{owner}} có cả 'deadline' và 'recurrence'; nhiệm vụ định kỳ có thời hạn riêng cho từng kỳ, vì vậy hãy bỏ một trong hai khóa",
    noDeadline:
      "{{owner}} chưa có 'deadline'; hãy bổ sung `deadline: 2022-12-25`, `deadline: { within: \"10 working days\", after: issue }`, `deadline: none` cho nhiệm vụ thường xuyên, hoặc một 'recurrence'",
    deadlineBeforeIssue:
      'thời hạn của {{owner}} ({{date}}) trước ngày ban hành kế hoạch ({{issuedOn}}); nhiệm vụ không thể đến hạn trước khi được giao, đề nghị kiểm tra lại năm và tháng',
    unknownAnchorSuggestion:
      "thời hạn của {{owner}} được tính từ '{{anchor}}', nhưng đó không phải 'issue', 'applied' hay một nhiệm vụ của kế hoạch này; có phải là '{{suggestion}}'?",
    unknownAnchor:
      "thời hạn của {{owner}} được tính từ '{{anchor}}', nhưng đó không phải 'issue', 'applied' hay một nhiệm vụ của kế hoạch này; hãy viết 'issue' hoặc mã của một nhiệm vụ",
    weekdayNotWeekly: "'weekday' chỉ dùng cho lịch hằng tuần, nhưng {{owner}} lặp lại theo chu kỳ '{{every}}'; hãy dùng 'day' (ngày trong tháng)",
    dayWeekly:
      "'day' (ngày trong tháng) chỉ dùng cho lịch hằng tháng và hằng quý, nhưng {{owner}} lặp lại hằng tuần; hãy dùng 'weekday' (1 = thứ Hai … 7 = Chủ nhật)",
    recurrenceEndsBeforeStart:
      "lịch định kỳ của {{owner}} kết thúc (until {{until}}) trước khi bắt đầu (from {{from}}); 'until' phải cùng ngày hoặc sau 'from'",
    cycleSelf: "vòng phụ thuộc: {{cycle}}; nhiệm vụ '{{id}}' không thể chờ chính nó, vì vậy hãy tính thời hạn từ 'issue' hoặc từ một nhiệm vụ khác",
    cycle: 'vòng phụ thuộc: {{cycle}}; không nhiệm vụ nào trong vòng này có thể bắt đầu, vì vậy hãy bỏ một phụ thuộc (dependsOn hoặc deadline.after)',
    cycleMore: '… (thêm {{more}} nhiệm vụ)',
  },
  bounds: {
    notUtf8: 'tệp không phải văn bản UTF-8 hợp lệ; hãy lưu lại theo bảng mã UTF-8 (trình soạn thảo nào cũng có) và kiểm tra các chữ trên dòng này',
    tooLarge:
      'tệp kế hoạch dung lượng {{size}} MB, vượt mức {{limit}} MB cho một kế hoạch; hãy tách thành nhiều tệp kế hoạch (ví dụ mỗi huyện một tệp)',
    tooDeep: 'dòng này thụt lề {{indent}} dấu cách, sâu hơn mức {{limit}} cho phép; danh sách và trường của kế hoạch chỉ lồng nhau vài cấp',
    aliases:
      'các bí danh YAML (*tên) tại đây mở rộng thành hơn {{limit}} giá trị; kế hoạch không cần nhiều như vậy, hãy viết trực tiếp các giá trị hoặc dùng ít bí danh hơn',
    tooManyTasks: 'kế hoạch có {{listed}} nhiệm vụ, vượt mức {{limit}} cho một kế hoạch; hãy tách thành nhiều tệp kế hoạch (ví dụ mỗi huyện một tệp)',
    tooManyAgencies:
      'kế hoạch có {{listed}} cơ quan, vượt mức {{limit}} cho một kế hoạch; hãy tách thành nhiều tệp kế hoạch (ví dụ mỗi huyện một tệp)',
    nul: 'ký tự NUL ({{hex}})',
    escape: 'ký tự thoát ({{hex}}, như trong mã màu của cửa sổ dòng lệnh)',
    control: 'ký tự điều khiển {{hex}}',
    surrogate: 'một nửa cặp ký tự Unicode bị lẻ (mã thoát Unicode bị hỏng)',
    controlCharacter: 'đoạn văn bản này chứa {{what}}, không thể lưu hay hiển thị; hãy xóa ký tự đó (chỉ cho phép Tab và xuống dòng)',
    unsupportedYear: "'{{value}}' thuộc năm {{year}}; kehoach chỉ xử lý ngày từ năm {{min}} đến năm {{max}}, đề nghị kiểm tra lại năm",
    tooManyOccurrences:
      "nhiệm vụ '{{id}}' lặp lại khoảng {{occurrences}} lần, vượt mức {{limit}} cho một nhiệm vụ định kỳ; hãy rút ngắn from/until hoặc giảm tần suất báo cáo",
    tooManyWorkflows:
      "kế hoạch tạo ra khoảng {{total}} luồng nhiệm vụ (mỗi nhiệm vụ, đơn vị và kỳ một luồng), vượt mức {{limit}} cho một kế hoạch; riêng nhiệm vụ '{{id}}' tạo {{largest}} luồng: hãy rút ngắn lịch định kỳ, giảm số đơn vị, hoặc tách kế hoạch thành nhiều tệp",
  },
  file: {
    unreadable: 'không đọc được tệp kế hoạch: {{reason}}; đề nghị kiểm tra lại đường dẫn',
    notFound: 'tệp không tồn tại',
    noPermission: 'không có quyền đọc tệp',
    isDirectory: 'đây là thư mục, không phải tệp',
    schemaCommentMissing: 'tệp không bắt đầu bằng dòng chú thích lược đồ cho trình soạn thảo; hãy đặt dòng sau làm dòng đầu tiên: {{comment}}',
    schemaCommentWrongPath:
      "dòng chú thích lược đồ trỏ tới '{{written}}', nhưng đường dẫn này không tồn tại tính từ thư mục của tệp; hãy viết: {{comment}}",
  },
};
