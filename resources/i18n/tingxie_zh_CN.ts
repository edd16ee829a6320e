<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AlternativesPopup</name>
    <message>
        <location filename="../../app/tingxie/ui/word_review.py" line="89"/>
        <source>Type to replace · Enter keeps · Esc leaves</source>
        <extracomment>Seconds played before and after the word under review. An alternative (1-5) was picked, or a typed text entered: the new text. Enter on an empty line: the word is right. Esc: leave the pass.</extracomment>
        <translation>输入以替换 · 回车保留 · Esc 退出</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/word_review.py" line="106"/>
        <source>(no alternatives)</source>
        <translation>（没有候选词）</translation>
    </message>
</context>
<context>
    <name>ContextBox</name>
    <message>
        <location filename="../../app/tingxie/ui/context_box.py" line="36"/>
        <source>Names, places, jargon and the topic, e.g.
Interview with 张伟 about 新能源汽车</source>
        <translation>人名、地名、专业术语和主题，例如：
采访张伟，谈新能源汽车</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/context_box.py" line="40"/>
        <source>Text that helps the model spell names and terms it would otherwise guess</source>
        <translation>帮助模型准确写出人名和术语，避免其自行猜测</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/context_box.py" line="46"/>
        <source>Snippets</source>
        <translation>预设</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/context_box.py" line="47"/>
        <source>Save this context for later, or insert a saved one</source>
        <translation>保存此上下文以备后用，或插入已保存的上下文</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/context_box.py" line="107"/>
        <source>Save current text as snippet</source>
        <translation>将当前文本存为预设</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/context_box.py" line="111"/>
        <source>No saved snippets</source>
        <translation>暂无已保存的预设</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/context_box.py" line="114"/>
        <source>Delete snippet</source>
        <translation>删除预设</translation>
    </message>
</context>
<context>
    <name>DeviceComboBox</name>
    <message>
        <location filename="../../app/tingxie/ui/device_combo.py" line="120"/>
        <source>Auto (detecting…)</source>
        <translation>自动（检测中…）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/device_combo.py" line="121"/>
        <source>Looking for a GPU…</source>
        <translation>正在查找 GPU…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/device_combo.py" line="123"/>
        <source>Could not detect the devices: {0}</source>
        <translation>无法检测设备：{0}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/device_combo.py" line="124"/>
        <source>Auto (detection failed)</source>
        <translation>自动（检测失败）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/device_combo.py" line="125"/>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/device_combo.py" line="126"/>
        <source>CUDA (NVIDIA GPU)</source>
        <translation>CUDA（NVIDIA GPU）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/device_combo.py" line="127"/>
        <source>MPS (Apple GPU)</source>
        <translation>MPS（Apple GPU）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/device_combo.py" line="131"/>
        <source>Auto (CUDA: {0})</source>
        <translation>自动（CUDA：{0}）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/device_combo.py" line="133"/>
        <source>Auto (MPS, {0})</source>
        <translation>自动（MPS，{0}）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/device_combo.py" line="135"/>
        <source>Auto (CPU, {0})</source>
        <translation>自动（CPU，{0}）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/device_combo.py" line="136"/>
        <source>The fastest device this computer has</source>
        <translation>本机上最快的设备</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/device_combo.py" line="137"/>
        <source>CPU ({0})</source>
        <translation>CPU（{0}）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/device_combo.py" line="140"/>
        <source> (+{0} more)</source>
        <translation>（另有 {0} 个）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/device_combo.py" line="146"/>
        <source>CUDA: {0}</source>
        <translation>CUDA：{0}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/device_combo.py" line="147"/>
        <source>NVIDIA GPU, {0}</source>
        <translation>NVIDIA GPU，{0}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/device_combo.py" line="152"/>
        <source>CUDA (not available)</source>
        <translation>CUDA（不可用）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/device_combo.py" line="153"/>
        <source>PyTorch sees no CUDA GPU on this computer.</source>
        <translation>PyTorch 未在本机上检测到 CUDA GPU。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/device_combo.py" line="157"/>
        <source>MPS: Apple GPU (Metal)</source>
        <translation>MPS：Apple GPU（Metal）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/device_combo.py" line="157"/>
        <source>Apple GPU, float16</source>
        <translation>Apple GPU，float16</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/device_combo.py" line="161"/>
        <source>MPS (not available)</source>
        <translation>MPS（不可用）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/device_combo.py" line="162"/>
        <source>Apple&apos;s Metal GPU (MPS) is only available on Macs with Apple silicon.</source>
        <translation>Apple 的 Metal GPU（MPS）仅适用于搭载 Apple 芯片的 Mac。</translation>
    </message>
</context>
<context>
    <name>DocumentOpener</name>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="47"/>
        <source>Media and projects ({patterns});;All files (*)</source>
        <extracomment>Set when the user chose to throw away the open document&apos;s unsaved changes: its recovery file goes only once another file has really opened.</extracomment>
        <translation>媒体和项目 ({patterns});;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="54"/>
        <source>Open media or project</source>
        <translation>打开媒体或项目</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="73"/>
        <source>Opening {name}…</source>
        <translation>正在打开 {name}…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="100"/>
        <source>Unsaved changes</source>
        <translation>未保存的更改</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="101"/>
        <source>Save the changes to {name} first?</source>
        <translation>是否先保存对 {name} 的更改？</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="118"/>
        <source>Damaged file</source>
        <translation>文件已损坏</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="119"/>
        <source>{problem}

Open the part that could be read ({length})?</source>
        <translation>{problem}

是否打开可读取的部分（{length}）？</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="126"/>
        <source>Audio not found</source>
        <translation>找不到音频</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="127"/>
        <source>{problem}

Locate the audio file now?</source>
        <translation>{problem}

是否立即查找该音频文件？</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="129"/>
        <source>Locate the audio</source>
        <translation>查找音频文件</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="136"/>
        <source>Could not open {name}</source>
        <translation>无法打开 {name}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="154"/>
        <location filename="../../app/tingxie/ui/opening.py" line="170"/>
        <source>Recover unsaved changes?</source>
        <translation>恢复未保存的更改？</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="155"/>
        <source>{name} has unsaved changes from an earlier session (autosaved). Restore them?</source>
        <translation>{name} 有上次会话中未保存的更改（已自动保存）。是否恢复？</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="171"/>
        <source>Tingxie did not close properly. {name} has unsaved changes (autosaved). Restore them?</source>
        <translation>听写上次没有正常关闭。{name} 有未保存的更改（已自动保存）。要恢复吗？</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="181"/>
        <location filename="../../app/tingxie/ui/opening.py" line="185"/>
        <source>Could not restore {name}</source>
        <translation>无法恢复 {name}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="186"/>
        <source>Its audio file was not found; the autosave is kept in {file}.</source>
        <translation>找不到它的音频文件；自动保存的内容保留在 {file}。</translation>
    </message>
</context>
<context>
    <name>DocumentRuns</name>
    <message>
        <location filename="../../app/tingxie/ui/runs.py" line="46"/>
        <source>Nothing to transcribe</source>
        <translation>没有可转写的内容</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/runs.py" line="47"/>
        <source>Open an audio or video file first (File &gt; Open).</source>
        <translation>请先打开音频或视频文件（文件 &gt; 打开）。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/runs.py" line="50"/>
        <source>A transcription is already running.</source>
        <translation>已有转写任务正在运行。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/runs.py" line="58"/>
        <source>Replace the transcript?</source>
        <translation>替换转写文本？</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/runs.py" line="59"/>
        <source>Transcribing the whole file replaces the current transcript, including your edits. Go on?</source>
        <translation>转写整个文件将替换当前的转写文本，包括您所做的编辑。是否继续？</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/runs.py" line="66"/>
        <source>Cannot transcribe</source>
        <translation>无法转写</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/runs.py" line="86"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/runs.py" line="90"/>
        <source>Loading model {model}…</source>
        <translation>正在加载模型 {model}…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/runs.py" line="106"/>
        <source>Cancelled; kept {n} segments.</source>
        <translation>已取消；保留了 {n} 个片段。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/runs.py" line="107"/>
        <source>Transcription finished: {n} segments.</source>
        <translation>转写完成：共 {n} 个片段。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/runs.py" line="117"/>
        <source>Transcription failed</source>
        <translation>转写失败</translation>
    </message>
</context>
<context>
    <name>EditCommands</name>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="74"/>
        <location filename="../../app/tingxie/ui/editing.py" line="163"/>
        <location filename="../../app/tingxie/ui/editing.py" line="176"/>
        <source>Select a segment first.</source>
        <extracomment>Step of the keyboard nudges of a segment&apos;s start or end, in seconds. Length of a segment inserted at the playhead, when there is room. A message for the status bar (an edit that could not be made, what was done).</extracomment>
        <translation>请先选择一个片段。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="120"/>
        <source>There is no previous segment to merge with.</source>
        <translation>前面没有可合并的片段。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="134"/>
        <source>That edge cannot move further.</source>
        <translation>这一端无法再移动了。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="143"/>
        <source>The playhead is inside a segment: split it instead.</source>
        <translation>播放头位于某个片段之内：请改为拆分该片段。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="152"/>
        <source>There is no room for a segment at the playhead.</source>
        <translation>播放头处没有空间插入片段。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="167"/>
        <source>Delete {n} segments</source>
        <translation>删除 {n} 个片段</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="183"/>
        <source>Speaker {n}</source>
        <translation>说话人 {n}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="193"/>
        <source>Set speaker</source>
        <translation>设置说话人</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="209"/>
        <source>No segment is below {p:.0%} confidence.</source>
        <translation>没有置信度低于 {p:.0%} 的片段。</translation>
    </message>
</context>
<context>
    <name>FindBar</name>
    <message>
        <location filename="../../app/tingxie/ui/find_bar.py" line="40"/>
        <source>Find</source>
        <extracomment>The segment with the next match: (segment id). A message for the status bar. Replace all is about to run (an open text editor should commit first).</extracomment>
        <translation>查找</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/find_bar.py" line="43"/>
        <source>Replace with</source>
        <translation>替换为</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/find_bar.py" line="44"/>
        <source>Match case</source>
        <translation>区分大小写</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/find_bar.py" line="45"/>
        <source>Whole word</source>
        <translation>全词匹配</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/find_bar.py" line="46"/>
        <source>Regex</source>
        <translation>正则表达式</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/find_bar.py" line="49"/>
        <source>Next</source>
        <translation>下一个</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/find_bar.py" line="50"/>
        <source>Replace all</source>
        <translation>全部替换</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/find_bar.py" line="53"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/find_bar.py" line="121"/>
        <source>Invalid regex</source>
        <translation>正则表达式无效</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/find_bar.py" line="123"/>
        <source>Matches: {n}</source>
        <translation>匹配：{n} 处</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/find_bar.py" line="143"/>
        <location filename="../../app/tingxie/ui/find_bar.py" line="148"/>
        <source>Not found.</source>
        <translation>未找到。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/find_bar.py" line="162"/>
        <source>Replaced: {n}</source>
        <translation>已替换：{n} 处</translation>
    </message>
</context>
<context>
    <name>LanguageComboBox</name>
    <message>
        <location filename="../../app/tingxie/ui/language_combo.py" line="39"/>
        <source>Auto-detect</source>
        <extracomment>Item data: the language code, or &quot;auto&quot;. Item data: what the search matches against (code, English name, native name, label).</extracomment>
        <translation>自动检测</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/language_combo.py" line="43"/>
        <source>Let the model recognise the language</source>
        <translation>由模型识别语言</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/language_combo.py" line="58"/>
        <source>Type to search…</source>
        <translation>输入以搜索…</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="127"/>
        <source>Transcription</source>
        <extracomment>A file finished opening (for tests and the status bar). An error dialog was shown: (title, message).</extracomment>
        <translation>转写</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="131"/>
        <source>Batch queue</source>
        <translation>批处理队列</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="135"/>
        <source>Speakers</source>
        <translation>说话人</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="220"/>
        <source>Opened the readable part only.</source>
        <translation>仅打开了可读取的部分。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="320"/>
        <source>Save project</source>
        <translation>保存项目</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="321"/>
        <source>Tingxie projects (*.tingxie)</source>
        <translation>Tingxie 项目 (*.tingxie)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="341"/>
        <source>Could not save</source>
        <translation>无法保存</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="345"/>
        <source>Saved {name}</source>
        <translation>已保存 {name}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="375"/>
        <source>Keyboard shortcuts</source>
        <translation>快捷键</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="384"/>
        <source>About Tingxie</source>
        <translation>关于 Tingxie</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="385"/>
        <source>&lt;b&gt;Tingxie 听写&lt;/b&gt; {version}&lt;br&gt;A transcription studio built on Qwen3-ASR. Everything runs on this computer.</source>
        <translation>&lt;b&gt;Tingxie 听写&lt;/b&gt; {version}&lt;br&gt;基于 Qwen3-ASR 的转写工作台。所有处理均在本机完成。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="401"/>
        <source>Transcription running</source>
        <translation>转写正在进行</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="402"/>
        <source>A transcription is running. Stop it and close?</source>
        <translation>转写正在进行。是否停止并关闭？</translation>
    </message>
</context>
<context>
    <name>ModelPicker</name>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="87"/>
        <source>Folder…</source>
        <translation>文件夹…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="90"/>
        <source>Use a model already on disk (a folder with config.json and *.safetensors weights)</source>
        <translation>使用磁盘上已有的模型（包含 config.json 和 *.safetensors 权重的文件夹）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="95"/>
        <location filename="../../app/tingxie/ui/model_picker.py" line="367"/>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="101"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="102"/>
        <source>Stop the download; the next one resumes it</source>
        <translation>停止下载；下次下载时将从中断处继续</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="167"/>
        <source>{0} is not a Qwen3-ASR speech model.</source>
        <translation>{0} 不是 Qwen3-ASR 语音模型。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="180"/>
        <source>Cannot use this folder: {0}</source>
        <translation>无法使用此文件夹：{0}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="184"/>
        <source>{0} (folder)</source>
        <translation>{0}（文件夹）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="215"/>
        <source>{0} · {1} · {2}</source>
        <translation>{0} · {1} · {2}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="246"/>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="269"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="276"/>
        <source>{0} of {1}</source>
        <translation>{0} / {1}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="279"/>
        <source>{0}/s</source>
        <translation>{0}/s</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="281"/>
        <source>{0} left</source>
        <translation>剩余 {0}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="297"/>
        <source>Downloaded {0} to {1}, but {2} file(s) are unverified: the server gave no checksum for them ({3}). Use huggingface.co or a mirror you trust if in doubt.</source>
        <translation>已将 {0} 下载到 {1}，但有 {2} 个文件未经校验：服务器没有提供它们的校验和（{3}）。如有疑虑，请使用 huggingface.co 或您信任的镜像。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="310"/>
        <source>Downloaded {0} to {1}</source>
        <translation>已将 {0} 下载到 {1}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="317"/>
        <source>Download cancelled. The files fetched so far are kept; Download resumes from them.</source>
        <translation>下载已取消。已下载的文件会保留，再次点击“下载”将从中断处继续。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="326"/>
        <source>Download failed: {0}</source>
        <translation>下载失败：{0}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="342"/>
        <source>Choose a model folder</source>
        <translation>选择模型文件夹</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="348"/>
        <source>downloaded</source>
        <translation>已下载</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="350"/>
        <source>not downloaded</source>
        <translation>未下载</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="352"/>
        <source>partial ({0})</source>
        <translation>部分下载（{0}）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="359"/>
        <source>Local folder: {0}</source>
        <translation>本地文件夹：{0}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="365"/>
        <source>Downloaded · {0}</source>
        <translation>已下载 · {0}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="372"/>
        <source>Partly downloaded: {0}</source>
        <translation>下载未完成：{0}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="374"/>
        <source>Resume download</source>
        <translation>继续下载</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="377"/>
        <source>Not downloaded ({0}). {1}</source>
        <translation>未下载（{0}）。{1}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="379"/>
        <source>Download ({0})</source>
        <translation>下载（{0}）</translation>
    </message>
</context>
<context>
    <name>Player</name>
    <message>
        <location filename="../../app/tingxie/ui/player.py" line="81"/>
        <source>No audio output device was found, so playback is off. Transcription still works.</source>
        <translation>未找到音频输出设备，因此无法播放。转写功能仍可使用。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/player.py" line="88"/>
        <source>Audio playback could not start (Qt&apos;s media backend is not available), so playback is off. Transcription still works.</source>
        <translation>音频播放无法启动（Qt 媒体后端不可用），因此无法播放。转写功能仍可使用。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/player.py" line="96"/>
        <source>the file could not be opened. Check that it still exists and that you can read it.</source>
        <translation>无法打开该文件。请检查它是否仍然存在以及您是否有读取权限。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/player.py" line="99"/>
        <source>the file is damaged or its format is not supported.</source>
        <translation>该文件已损坏或格式不受支持。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/player.py" line="101"/>
        <source>you do not have permission to read the file.</source>
        <translation>您没有读取该文件的权限。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/player.py" line="103"/>
        <source>the file could not be read over the network.</source>
        <translation>无法通过网络读取该文件。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/player.py" line="515"/>
        <source>the file</source>
        <translation>该文件</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/player.py" line="517"/>
        <source>Could not play “{name}”: {detail}</source>
        <translation>无法播放“{name}”：{detail}</translation>
    </message>
</context>
<context>
    <name>QueueController</name>
    <message>
        <location filename="../../app/tingxie/ui/queue.py" line="290"/>
        <source>No files are waiting. Add files to the queue first.</source>
        <extracomment>Whether the queue is running; the window disables its own Transcribe while it is. Something the user should read (e.g. why Start did nothing). A file reached done, failed or cancelled.</extracomment>
        <translation>没有等待中的文件。请先将文件添加到队列。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue.py" line="293"/>
        <source>A transcription is already running. Start the queue when it has finished, or stop it first.</source>
        <translation>已有转写任务正在运行。请等其完成后再启动队列，或先将其停止。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue.py" line="357"/>
        <source>The queue stopped: another transcription is running.</source>
        <translation>队列已停止：另一个转写任务正在运行。</translation>
    </message>
</context>
<context>
    <name>QueueModel</name>
    <message>
        <location filename="../../app/tingxie/ui/queue.py" line="122"/>
        <source>File</source>
        <extracomment>The job every file of a run gets (read once per Start). The saved project, once done. Why it failed, for the user.</extracomment>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue.py" line="122"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue.py" line="145"/>
        <source>waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue.py" line="147"/>
        <source>decoding {percent}%</source>
        <translation>解码中 {percent}%</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue.py" line="149"/>
        <source>loading the model…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue.py" line="151"/>
        <source>finding speech {percent}%</source>
        <translation>检测语音 {percent}%</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue.py" line="154"/>
        <source>transcribing {percent}%</source>
        <translation>转写中 {percent}%</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue.py" line="155"/>
        <source>transcribing {percent}% · ETA {eta}</source>
        <translation>转写中 {percent}% · 预计剩余 {eta}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue.py" line="158"/>
        <source>saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue.py" line="161"/>
        <source>done — 1 segment → {path}</source>
        <translation>完成 — 1 个片段 → {path}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue.py" line="162"/>
        <source>done — {n} segments → {path}</source>
        <translation>完成 — {n} 个片段 → {path}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue.py" line="165"/>
        <source>failed — {message}</source>
        <translation>失败 — {message}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue.py" line="166"/>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
</context>
<context>
    <name>QueuePanel</name>
    <message>
        <location filename="../../app/tingxie/ui/queue_panel.py" line="63"/>
        <source>Add files…</source>
        <translation>添加文件…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue_panel.py" line="64"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue_panel.py" line="65"/>
        <source>Clear finished</source>
        <translation>清除已完成</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue_panel.py" line="74"/>
        <source>Save projects beside each audio file</source>
        <translation>将项目保存在各音频文件所在的文件夹</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue_panel.py" line="75"/>
        <source>Save projects in this folder:</source>
        <translation>将项目保存到此文件夹：</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue_panel.py" line="78"/>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue_panel.py" line="87"/>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue_panel.py" line="88"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue_panel.py" line="113"/>
        <source>Add files to the queue</source>
        <translation>将文件添加到队列</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue_panel.py" line="114"/>
        <source>Audio and video ({patterns});;All files (*)</source>
        <translation>音频和视频 ({patterns});;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue_panel.py" line="127"/>
        <source>Save projects in</source>
        <translation>选择项目保存位置</translation>
    </message>
</context>
<context>
    <name>ReviewControls</name>
    <message>
        <location filename="../../app/tingxie/ui/review.py" line="49"/>
        <source>Select a segment first.</source>
        <translation>请先选择一个片段。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/review.py" line="56"/>
        <source>Tingxie</source>
        <translation>听写</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/review.py" line="64"/>
        <source>Rewind when playback resumes (seconds, 0 = off)</source>
        <translation>继续播放时回退的秒数（0 = 关闭）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/review.py" line="70"/>
        <source>Tint below confidence (0–1)</source>
        <translation>置信度低于此值时标出（0–1）</translation>
    </message>
</context>
<context>
    <name>Shortcuts</name>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="31"/>
        <source>Give the segment speaker {n}</source>
        <extracomment>English text, marked for translation; may hold ``{n}`` (filled from ``number``).</extracomment>
        <translation>将片段设为说话人 {n}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="34"/>
        <source>Open media or a project</source>
        <translation>打开媒体文件或项目</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="35"/>
        <source>Save the project</source>
        <translation>保存项目</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="36"/>
        <source>Save the project as…</source>
        <translation>项目另存为…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="37"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="38"/>
        <source>Play / pause</source>
        <translation>播放/暂停</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="39"/>
        <source>Rewind a few seconds</source>
        <translation>快退几秒</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="40"/>
        <source>Forward a few seconds</source>
        <translation>快进几秒</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="41"/>
        <source>Play slower</source>
        <translation>放慢播放</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="42"/>
        <source>Play faster</source>
        <translation>加快播放</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="43"/>
        <source>Replay the current segment</source>
        <translation>重播当前片段</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="44"/>
        <source>Find and replace</source>
        <translation>查找和替换</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="45"/>
        <source>Split the segment at the cursor</source>
        <translation>在光标处拆分片段</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="46"/>
        <source>Merge with the next segment</source>
        <translation>与下一片段合并</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="47"/>
        <source>Merge with the previous segment</source>
        <translation>与上一片段合并</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="48"/>
        <source>Segment start 0.1 s earlier</source>
        <translation>片段开始提前 0.1 秒</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="49"/>
        <source>Segment start 0.1 s later</source>
        <translation>片段开始推后 0.1 秒</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="50"/>
        <source>Segment end 0.1 s earlier</source>
        <translation>片段结束提前 0.1 秒</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="51"/>
        <source>Segment end 0.1 s later</source>
        <translation>片段结束推后 0.1 秒</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="52"/>
        <source>Insert a segment at the playhead</source>
        <translation>在播放头处插入片段</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="53"/>
        <source>Delete the segment</source>
        <translation>删除片段</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="54"/>
        <source>Go to the next uncertain segment</source>
        <translation>跳到下一个低置信度片段</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="55"/>
        <source>Review uncertain words one by one</source>
        <translation>逐个核对不确定的词</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="57"/>
        <source>Clear the segment&apos;s speaker</source>
        <translation>清除片段的说话人</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="58"/>
        <source>Zoom the waveform in</source>
        <translation>放大波形</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="59"/>
        <source>Zoom the waveform out</source>
        <translation>缩小波形</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="60"/>
        <source>Follow playback on/off</source>
        <translation>开启/关闭跟随播放</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="61"/>
        <source>Transcribe the whole file</source>
        <translation>转写整个文件</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="62"/>
        <source>Transcribe the selected range</source>
        <translation>转写所选范围</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="63"/>
        <source>Cancel the transcription</source>
        <translation>取消转写</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="64"/>
        <source>Show the keyboard shortcuts</source>
        <translation>显示键盘快捷键</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="69"/>
        <source>Undo (the menu names the step)</source>
        <extracomment>Shortcuts Qt gives the standard actions (listed for completeness).</extracomment>
        <translation>撤销（菜单中显示该步骤名称）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="70"/>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
</context>
<context>
    <name>SpeakerPanel</name>
    <message>
        <location filename="../../app/tingxie/ui/speakers.py" line="48"/>
        <source>Add</source>
        <extracomment>&quot;Assign&quot; was pressed: the speaker&apos;s number in the list (1-based). A message for the status bar.</extracomment>
        <translation>添加</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/speakers.py" line="49"/>
        <source>Add a speaker</source>
        <translation>添加说话人</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/speakers.py" line="51"/>
        <source>Assign</source>
        <translation>指定</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/speakers.py" line="52"/>
        <source>Give the selected segments this speaker (or Ctrl+1…9)</source>
        <translation>将此说话人指定给所选片段（或按 Ctrl+1…9）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/speakers.py" line="79"/>
        <source>Ctrl+{n}</source>
        <translation>Ctrl+{n}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/speakers.py" line="90"/>
        <source>Speaker {n}</source>
        <translation>说话人 {n}</translation>
    </message>
</context>
<context>
    <name>TranscriptTableModel</name>
    <message>
        <location filename="../../app/tingxie/ui/transcript_model.py" line="199"/>
        <source>{lang}confidence {conf:.0%}</source>
        <extracomment>Anything in the transcript changed (an edit, an undo, new segments). Segments were added at the end by a running transcription: (first row, count). The whole transcript was replaced (a project opened, a new transcription started).</extracomment>
        <translation>{lang}置信度 {conf:.0%}</translation>
    </message>
</context>
<context>
    <name>TranscriptionControls</name>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="80"/>
        <source>22 Chinese dialects (Sichuanese, Shanghainese, Hokkien, Wu, Minnan…) are recognised automatically: choose Chinese or Auto-detect.</source>
        <translation>可自动识别 22 种汉语方言（四川话、上海话、福建话、吴语、闽南语…）：请选择“中文”或“自动检测”。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="84"/>
        <source>Chinese dialects are recognised automatically.</source>
        <translation>可自动识别汉语方言。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="101"/>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="103"/>
        <source>Chunks transcribed at once; Automatic fits the free memory</source>
        <translation>同时转写的音频块数；“自动”将根据可用内存确定</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="109"/>
        <source>0 (greedy)</source>
        <translation>0（贪心）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="110"/>
        <source>0 always picks the likeliest words</source>
        <translation>为 0 时始终选择可能性最大的词</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="111"/>
        <source>int8 weights on the CPU</source>
        <translation>在 CPU 上使用 int8 权重</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="113"/>
        <source>Faster and smaller on a CPU, slightly less accurate; ignored on a GPU</source>
        <translation>在 CPU 上更快、占用更少，但准确度略低；在 GPU 上不起作用</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="117"/>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="119"/>
        <source>Longest piece of audio sent to the model at once; pieces are cut at pauses</source>
        <translation>每次送入模型的最长音频块；在停顿处切分</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="122"/>
        <source>Advanced</source>
        <translation>高级</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="131"/>
        <source>Whole file</source>
        <translation>整个文件</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="132"/>
        <source>Selected range</source>
        <translation>选定范围</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="133"/>
        <source>Select a range on the waveform first</source>
        <translation>请先在波形上选择范围</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="139"/>
        <source>Transcribe</source>
        <translation>转写</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="141"/>
        <location filename="../../app/tingxie/ui/controls.py" line="368"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="155"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="160"/>
        <source>Context</source>
        <translation>上下文</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="164"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="167"/>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="171"/>
        <source>Batch size</source>
        <translation>批大小</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="172"/>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="173"/>
        <source>Max chunk length</source>
        <translation>最大音频块长度</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="290"/>
        <source>{0} is not available on this computer; Auto is used instead.</source>
        <translation>{0} 在本机上不可用，已改用“自动”。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="381"/>
        <source>Finding speech… {0}%</source>
        <translation>正在检测语音… {0}%</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="383"/>
        <source>Transcribing… {0}%</source>
        <translation>正在转写… {0}%</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="385"/>
        <source>Aligning words… {0}%</source>
        <translation>正在对齐字词… {0}%</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="389"/>
        <source> · {0} left</source>
        <translation> · 剩余 {0}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="415"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
</context>
<context>
    <name>TransportBar</name>
    <message>
        <location filename="../../app/tingxie/ui/transport.py" line="25"/>
        <source>Play / pause (Ctrl+P)</source>
        <translation>播放/暂停（Ctrl+P）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/transport.py" line="33"/>
        <source>Playback speed (pitch is preserved)</source>
        <translation>播放速度（保持音调不变）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/transport.py" line="40"/>
        <location filename="../../app/tingxie/ui/transport.py" line="47"/>
        <source>Volume</source>
        <translation>音量</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/transport.py" line="45"/>
        <source>Speed</source>
        <translation>速度</translation>
    </message>
</context>
<context>
    <name>WindowMenus</name>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="49"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="50"/>
        <source>&amp;Open…</source>
        <translation>打开(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="51"/>
        <source>Open &amp;recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="54"/>
        <source>&amp;Save project</source>
        <translation>保存项目(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="55"/>
        <source>Save project &amp;as…</source>
        <translation>项目另存为(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="57"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="60"/>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="61"/>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="63"/>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="70"/>
        <source>&amp;Find and replace…</source>
        <translation>查找和替换(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="72"/>
        <source>S&amp;plit at the cursor</source>
        <translation>在光标处拆分(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="73"/>
        <source>&amp;Merge with next</source>
        <translation>与下一片段合并(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="74"/>
        <source>Merge with p&amp;revious</source>
        <translation>与上一片段合并(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="75"/>
        <source>&amp;Insert segment at the playhead</source>
        <translation>在播放头处插入片段(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="77"/>
        <source>&amp;Delete segment</source>
        <translation>删除片段(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="78"/>
        <source>&amp;Timing</source>
        <translation>时间(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="80"/>
        <source>Start 0.1 s earlier</source>
        <translation>开始提前 0.1 秒</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="81"/>
        <source>Start 0.1 s later</source>
        <translation>开始推后 0.1 秒</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="82"/>
        <source>End 0.1 s earlier</source>
        <translation>结束提前 0.1 秒</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="83"/>
        <source>End 0.1 s later</source>
        <translation>结束推后 0.1 秒</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="85"/>
        <source>S&amp;peaker</source>
        <translation>说话人(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="87"/>
        <source>Speaker {n}</source>
        <translation>说话人 {n}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="89"/>
        <source>No speaker</source>
        <translation>无说话人</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="92"/>
        <source>Next &amp;uncertain segment</source>
        <translation>下一个不确定片段(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="95"/>
        <source>Re&amp;view uncertain words</source>
        <translation>核对不确定的词(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="99"/>
        <source>&amp;Playback</source>
        <translation>播放(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="100"/>
        <source>Play / pause</source>
        <translation>播放/暂停</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="101"/>
        <source>Rewind</source>
        <translation>快退</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="103"/>
        <source>Forward</source>
        <translation>快进</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="105"/>
        <source>Slower</source>
        <translation>减速</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="106"/>
        <source>Faster</source>
        <translation>加速</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="107"/>
        <source>Replay the segment</source>
        <translation>重播当前片段</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="109"/>
        <source>Rewind step…</source>
        <translation>快退步长…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="110"/>
        <source>Rewind and forward by (seconds)</source>
        <translation>快退和快进的秒数</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="111"/>
        <source>Rewind on resume…</source>
        <translation>继续播放时回退…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="114"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="115"/>
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="116"/>
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="117"/>
        <source>Follow playback</source>
        <translation>跟随播放</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="121"/>
        <source>Tint uncertain words</source>
        <translation>标出不确定的词</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="124"/>
        <source>Uncertainty threshold…</source>
        <translation>不确定阈值…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="133"/>
        <location filename="../../app/tingxie/ui/menus.py" line="134"/>
        <source>&amp;Transcribe</source>
        <translation>转写(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="135"/>
        <source>Transcribe &amp;selection</source>
        <translation>转写选区(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="137"/>
        <source>&amp;Cancel transcription</source>
        <translation>取消转写(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="140"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="141"/>
        <source>&amp;Keyboard shortcuts</source>
        <translation>快捷键(&amp;K)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="142"/>
        <source>&amp;About Tingxie</source>
        <translation>关于 Tingxie(&amp;A)</translation>
    </message>
</context>
<context>
    <name>WordReview</name>
    <message>
        <location filename="../../app/tingxie/ui/word_review.py" line="186"/>
        <source>No doubtful word is left to review.</source>
        <extracomment>The pass moved to a word (segment id, word index); for tests and the status bar. The pass ended (no word left, or Esc). &quot;12 of 87 doubtful words reviewed&quot;, in the status bar while the pass runs.</extracomment>
        <translation>没有需要核对的存疑词了。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/word_review.py" line="271"/>
        <source>{done} of {total} doubtful words reviewed</source>
        <translation>已核对 {done} / {total} 个存疑词</translation>
    </message>
</context>
</TS>
